#include "unmix/core/record.hpp"

#include <algorithm>

#include "core/record_json.hpp"
#include "unmix/core/error.hpp"

namespace unmix {

Record::Impl& Access(Record& r) { return *r.impl_; }
const Record::Impl& Access(const Record& r) { return *r.impl_; }

Record::Record() : impl_(std::make_unique<Impl>()) {}
Record::~Record() = default;
Record::Record(const Record& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Record::Record(Record&& other) noexcept : impl_(std::make_unique<Impl>()) { impl_.swap(other.impl_); }
Record& Record::operator=(const Record& other) {
  if (this != &other) *impl_ = *other.impl_;
  return *this;
}
Record& Record::operator=(Record&& other) noexcept {
  impl_.swap(other.impl_);
  return *this;
}

Record Record::FromJson(std::string_view text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(source, "", std::string("not JSON: ") + e.what());
  }
  if (!j.is_object()) throw InputError(source, "", "expected a JSON object, got " + std::string(j.type_name()));
  Record r;
  r.impl_->value = std::move(j);
  return r;
}

std::string Record::ToJson(int indent) const { return impl_->value.dump(indent); }
bool Record::empty() const { return impl_->value.empty(); }
bool Record::contains(std::string_view key) const { return impl_->value.contains(key); }

namespace {
// The value at a dotted path ("a.b"), through nlohmann's JSON pointer ("/a/b"); null when absent.
const nlohmann::json* At(const nlohmann::json& root, std::string_view path) {
  std::string pointer(1, '/');
  pointer += path;
  std::replace(pointer.begin(), pointer.end(), '.', '/');
  const nlohmann::json::json_pointer ptr(pointer);
  return root.contains(ptr) ? &root.at(ptr) : nullptr;
}
}  // namespace

std::optional<double> Record::Number(std::string_view path) const {
  const nlohmann::json* j = At(impl_->value, path);
  if (!j || !j->is_number()) return std::nullopt;
  return j->get<double>();
}

std::optional<std::string> Record::Text(std::string_view path) const {
  const nlohmann::json* j = At(impl_->value, path);
  if (!j || !j->is_string()) return std::nullopt;
  return j->get<std::string>();
}

bool operator==(const Record& a, const Record& b) { return a.impl_->value == b.impl_->value; }

}  // namespace unmix
