#pragma once
// Inside unmix: a Record is a nlohmann::json object, reached through Json().
#include <nlohmann/json.hpp>

#include "unmix/core/record.hpp"

namespace unmix {

struct Record::Impl {
  nlohmann::json value = nlohmann::json::object();
};

inline nlohmann::json& Json(Record& r) { return Access(r).value; }
inline const nlohmann::json& Json(const Record& r) { return Access(r).value; }
// A Record holding `j` (an object; anything else is wrapped as {"value": j}).
inline Record ToRecord(nlohmann::json j) {
  Record r;
  Json(r) = j.is_object() ? std::move(j) : nlohmann::json{{"value", std::move(j)}};
  return r;
}

}  // namespace unmix
