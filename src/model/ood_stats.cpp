#include "model/ood_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/base64.h"
#include "core/error.h"

namespace gloss {
namespace {

using nlohmann::json;

std::string floats_to_base64(const std::vector<float>& values) {
  std::string bytes(values.size() * 4, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, &values[i], 4);
    for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xff);
  }
  return base64_encode(bytes);
}

std::vector<float> floats_from_base64(const std::string& text, const std::string& what) {
  const auto bytes = base64_decode(text);
  if (!bytes) throw UserError(what + "inv_cov is not valid base64");
  if (bytes->size() % 4 != 0) throw UserError(what + "inv_cov is not a whole number of float32 values");
  std::vector<float> out(bytes->size() / 4);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::uint32_t bits = 0;
    for (int b = 0; b < 4; ++b) bits |= std::uint32_t{static_cast<unsigned char>((*bytes)[i * 4 + b])} << (8 * b);
    std::memcpy(&out[i], &bits, 4);
  }
  return out;
}

}  // namespace

json ood_to_json(const OodStats& s) {
  return json{{"feature", s.feature},
              {"dim", s.dim},
              {"mean", s.mean},
              {"inv_cov", {{"encoding", "float32-le-base64"}, {"shape", {s.dim, s.dim}}, {"data", floats_to_base64(s.inv_cov)}}},
              {"shrinkage", s.shrinkage},
              {"threshold", s.threshold},
              {"percentile", s.percentile},
              {"fit_images", s.fit_images},
              {"held_out", s.held_out},
              {"source", s.source}};
}

std::optional<OodStats> ood_from_json(const json& j, const std::string& file, int expected_dim) {
  const std::string what = file + ": damaged gloss model (out-of-distribution statistics: ";
  auto bad = [&](const std::string& why) { throw UserError(what + why + ")"); };
  OodStats s;
  try {
    if (!j.is_object()) bad("\"ood\" is not an object");
    s.feature = j.at("feature").get<std::string>();
    if (s.feature != "stage-stats") return std::nullopt;
    s.dim = j.at("dim").get<int>();
    s.mean = j.at("mean").get<std::vector<float>>();
    const json& m = j.at("inv_cov");
    if (m.at("encoding").get<std::string>() != "float32-le-base64")
      bad("unknown inv_cov encoding \"" + m.at("encoding").get<std::string>() + "\"");
    s.inv_cov = floats_from_base64(m.at("data").get<std::string>(), what);
    s.shrinkage = j.at("shrinkage").get<double>();
    s.threshold = j.at("threshold").get<double>();
    s.percentile = j.at("percentile").get<double>();
    s.fit_images = j.at("fit_images").get<std::size_t>();
    s.held_out = j.at("held_out").get<std::size_t>();
    s.source = j.value("source", std::string());
  } catch (const json::exception& e) {
    bad(e.what());
  }
  if (s.dim != expected_dim)
    bad("dim " + std::to_string(s.dim) + ", but this architecture's feature has " + std::to_string(expected_dim));
  if (s.mean.size() != static_cast<std::size_t>(s.dim))
    bad("mean has " + std::to_string(s.mean.size()) + " values, not " + std::to_string(s.dim));
  if (s.inv_cov.size() != static_cast<std::size_t>(s.dim) * s.dim)
    bad("inv_cov has " + std::to_string(s.inv_cov.size()) + " values, not " + std::to_string(s.dim) + " x " +
        std::to_string(s.dim));
  auto finite = [](float v) { return std::isfinite(v); };
  if (!std::all_of(s.mean.begin(), s.mean.end(), finite) || !std::all_of(s.inv_cov.begin(), s.inv_cov.end(), finite))
    bad("a mean or inv_cov value is not a finite number");
  if (!std::isfinite(s.threshold) || s.threshold <= 0) bad("threshold must be a positive number");
  return s;
}

double mahalanobis(const OodStats& s, const float* x) {
  const auto n = static_cast<std::size_t>(s.dim);
  std::vector<double> d(n);
  for (std::size_t i = 0; i < n; ++i) d[i] = static_cast<double>(x[i]) - s.mean[i];
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double row = 0;
    for (std::size_t k = 0; k < n; ++k) row += s.inv_cov[i * n + k] * d[k];
    sum += d[i] * row;
  }
  return std::sqrt(std::max(0.0, sum));
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const std::size_t hi = std::min(values.size() - 1, lo + 1);
  return values[lo] + (values[hi] - values[lo]) * (rank - static_cast<double>(lo));
}

}  // namespace gloss
