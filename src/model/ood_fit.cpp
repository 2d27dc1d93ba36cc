// Out-of-distribution statistics: fitting them to encoder features (the
// trainer and `gloss calibrate`), and scoring captions with them.
#include "model/torch_net.hpp"

#include <torch/linalg.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/hash.h"
#include "model/native_format.h"
#include "model/torch_api.h"

namespace gloss {

torch::Tensor encode_u8_features(NativeModel::Impl& m, const torch::Tensor& u8) {
  if (m.net->is_training()) m.net->eval();
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (std::int64_t i = 0; i < u8.size(0); i += 256) {
    const auto batch = u8.slice(0, i, std::min<std::int64_t>(u8.size(0), i + 256));
    torch::Tensor ood;
    m.net->encoder(normalise_u8(batch, m.pre.mean, m.pre.std), &ood);
    parts.push_back(ood);
  }
  if (parts.empty()) return torch::zeros({0, ood_feature_dim(m.arch)});
  return torch::cat(parts);
}

torch::Tensor ood_distances(const torch::Tensor& mean, const torch::Tensor& inv_cov, const torch::Tensor& features) {
  const auto diff = features.to(inv_cov.scalar_type()) - mean;
  return (diff.matmul(inv_cov) * diff).sum(1).clamp_min(0).sqrt();
}

// Ledoit & Wolf (2004), "A well-conditioned estimator for large-dimensional
// covariance matrices": the sample covariance S shrunk towards mu*I, mu =
// tr(S)/D, with the weight that minimises the expected squared error.
OodStats fit_ood_stats(const torch::Tensor& fit, const torch::Tensor& held_out, double percentile,
                       std::string source) {
  torch::NoGradGuard no_grad;
  const auto x = fit.to(torch::kDouble);
  const std::int64_t n = x.size(0), d = x.size(1);
  if (n < 2 || held_out.size(0) < 1) throw std::invalid_argument("fit_ood_stats: too few images");
  const auto mean = x.mean(0);
  const auto xc = x - mean;
  const auto s = xc.t().matmul(xc) / static_cast<double>(n);
  const double mu = s.trace().item<double>() / static_cast<double>(d);
  const auto eye = torch::eye(d, torch::kDouble);
  // <A,B> = tr(A B') / D throughout.
  const double delta2 = (s - mu * eye).pow(2).sum().item<double>() / static_cast<double>(d);
  // sum_k ||x_k x_k' - S||^2 = sum_k ||x_k||^4 - 2 sum_k x_k' S x_k + n ||S||^2
  const auto sq = xc.pow(2).sum(1);
  const double sum_norm4 = sq.pow(2).sum().item<double>();
  const double sum_xsx = (xc.matmul(s) * xc).sum().item<double>();
  const double s_norm2 = s.pow(2).sum().item<double>();
  const double beta2_bar = (sum_norm4 - 2 * sum_xsx + static_cast<double>(n) * s_norm2) /
                           (static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(d));
  const double beta2 = std::min(beta2_bar, delta2);
  const double shrinkage = delta2 > 0 ? beta2 / delta2 : 1.0;
  const auto cov = shrinkage * mu * eye + (1 - shrinkage) * s;
  const auto inv_cov = torch::linalg::inv(cov);
  const auto inv_cov_sym = (inv_cov + inv_cov.t()) / 2;  // exactly symmetric

  OodStats stats;
  stats.dim = static_cast<int>(d);
  const auto mean_f = mean.to(torch::kFloat).contiguous();
  const auto inv_f = inv_cov_sym.to(torch::kFloat).contiguous();
  stats.mean.assign(mean_f.data_ptr<float>(), mean_f.data_ptr<float>() + d);
  stats.inv_cov.assign(inv_f.data_ptr<float>(), inv_f.data_ptr<float>() + d * d);
  stats.shrinkage = shrinkage;
  stats.percentile = percentile;
  stats.fit_images = static_cast<std::size_t>(n);
  stats.held_out = static_cast<std::size_t>(held_out.size(0));
  stats.source = std::move(source);
  // The threshold from the stored (float) statistics, as the captioner scores.
  const auto dist = ood_distances(mean_f, inv_f, held_out.to(torch::kFloat)).to(torch::kDouble).contiguous();
  std::vector<double> values(dist.data_ptr<double>(), dist.data_ptr<double>() + dist.numel());
  stats.threshold = gloss::percentile(std::move(values), percentile);
  return stats;
}

void score_captions(const NativeModel::Impl& m, const torch::Tensor& features, std::vector<Caption>& captions) {
  if (!m.ood || !features.defined()) return;
  const auto dist = ood_distances(m.ood_mean, m.ood_inv_cov, features).contiguous();
  const float* d = dist.data_ptr<float>();
  for (std::size_t i = 0; i < captions.size() && i < static_cast<std::size_t>(dist.numel()); ++i) {
    captions[i].ood_score = d[i];
    captions[i].unlike_training = d[i] > m.ood->threshold;
  }
}

// The model is loaded from its file without any "ood" it had (a damaged
// one must not stop its replacement); the file written is the one read, with
// "ood" set: same weights, same vocabulary, same training record.
CalibrateReport calibrate_native_model(const CalibrateOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  apply_threads(o.threads);
  NativeModelFile file = read_native_model_file(o.model);
  file.meta.erase("ood");
  NativeModel model = NativeModel::from_bytes(encode_native_model(file), o.model.string());
  auto& impl = model.impl();
  CalibrateReport report;
  const std::size_t total = o.fit_count + o.held_out_count;
  std::size_t done = 0;
  auto encode_set = [&](bool held, std::size_t count) {
    std::vector<torch::Tensor> features, pending;
    auto flush = [&] {
      if (pending.empty()) return;
      features.push_back(encode_u8_features(impl, torch::stack(pending)));
      pending.clear();
    };
    for (std::size_t i = 0; i < count; ++i) {
      if (const std::optional<Image> image = o.image(held, i)) pending.push_back(image_to_u8(*image, impl.pre.image_size));
      else ++report.skipped;
      if (pending.size() == 256) flush();
      if (o.progress && (++done % 64 == 0 || done == total)) o.progress(done, total);
    }
    flush();
    return features.empty() ? torch::zeros({0, ood_feature_dim(impl.arch)}) : torch::cat(features);
  };
  const torch::Tensor fit = encode_set(false, o.fit_count);
  const torch::Tensor held = encode_set(true, o.held_out_count);
  if (fit.size(0) < 2 || held.size(0) < static_cast<std::int64_t>(kMinOodHeldOut))
    throw UserError("calibrate: only " + std::to_string(fit.size(0)) + " images to fit on and " +
                    std::to_string(held.size(0)) + " held out could be read (" + std::to_string(report.skipped) +
                    " unreadable); at least 2 and " + std::to_string(kMinOodHeldOut) + " are needed");
  report.stats = fit_ood_stats(fit, held, o.percentile, o.source);
  const auto mean = torch::tensor(report.stats.mean, torch::kFloat);
  const auto inv = torch::tensor(report.stats.inv_cov, torch::kFloat).view({report.stats.dim, report.stats.dim});
  report.held_out_flagged =
      static_cast<std::size_t>((ood_distances(mean, inv, held) > report.stats.threshold).sum().item<std::int64_t>());
  file.meta["ood"] = ood_to_json(report.stats);
  const std::string bytes = encode_native_model(file);
  write_file_atomic(o.out, bytes);
  report.model_id = hash_hex(content_hash(bytes));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace gloss
