#pragma once
// What a method reports about a run or a model, beyond its results: iterations, residuals,
// choices made, per-epoch fits. A tree of named values (numbers, text, true/false, lists and
// nested records) that reads and writes as a JSON object; run.json holds it under "details",
// a model file under "hyperparameters" and "training". The JSON library stays inside unmix:
// this header needs nothing but the standard library.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace unmix {

class Record {
 public:
  Record();  // empty
  ~Record();
  Record(const Record& other);
  Record(Record&& other) noexcept;
  Record& operator=(const Record& other);
  Record& operator=(Record&& other) noexcept;

  // Parses a JSON object. Throws InputError naming `source` when the text is not one.
  static Record FromJson(std::string_view text, const std::string& source = "record");
  // The JSON text; indent < 0 writes one line.
  std::string ToJson(int indent = -1) const;

  bool empty() const;
  bool contains(std::string_view key) const;
  // The number at a dotted path ("keep_better.start"), when there is one.
  std::optional<double> Number(std::string_view path) const;
  // The text at a dotted path, when there is one.
  std::optional<std::string> Text(std::string_view path) const;

  friend bool operator==(const Record& a, const Record& b);

  struct Impl;

 private:
  friend Impl& Access(Record& r);
  friend const Impl& Access(const Record& r);
  std::unique_ptr<Impl> impl_;
};

}  // namespace unmix
