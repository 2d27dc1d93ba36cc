// Greedy and beam-search decoding of the native network, one LSTM cell step
// at a time (torch::lstm_cell on the nn::LSTM's weights).
#include <torch/nn.h>

#include <algorithm>
#include <limits>

#include "model/torch_net.hpp"

namespace gloss {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// The decoder's recurrent state and how to advance it.
struct Stepper {
  explicit Stepper(CaptionNet& net) : net(net) {
    auto params = net->decoder->lstm->named_parameters();
    w_ih = params["weight_ih_l0"];
    w_hh = params["weight_hh_l0"];
    b_ih = params["bias_ih_l0"];
    b_hh = params["bias_hh_l0"];
  }
  // Feeds x [N,embed]; returns log-probabilities [N,V] of the next token.
  torch::Tensor step(const torch::Tensor& x) {
    auto hc = torch::lstm_cell(x, {h, c}, w_ih, w_hh, b_ih, b_hh);
    h = std::get<0>(hc);
    c = std::get<1>(hc);
    return torch::log_softmax(net->decoder->linear(h), 1);
  }
  torch::Tensor feed(const std::vector<std::int64_t>& tokens) {
    auto ids = torch::tensor(tokens, torch::kLong);
    return step(net->decoder->embed(ids));
  }
  // Feeds the image features then <start>; returns the first word's log-probs.
  torch::Tensor start(const torch::Tensor& features) {
    const auto n = features.size(0);
    h = torch::zeros({n, w_hh.size(1)}, features.options());
    c = torch::zeros({n, w_hh.size(1)}, features.options());
    step(features);
    return feed(std::vector<std::int64_t>(static_cast<std::size_t>(n), Vocab::kStart));
  }
  CaptionNet& net;
  torch::Tensor w_ih, w_hh, b_ih, b_hh, h, c;
};

struct Hyp {
  std::vector<std::int64_t> tokens;
  float score = kNegInf;
  int scored = 0;
};

}  // namespace

Decoded greedy_decode(CaptionNet& net, const torch::Tensor& features, int max_len) {
  const auto n = static_cast<std::size_t>(features.size(0));
  Decoded d;
  d.tokens.resize(n);
  d.log_prob.assign(n, 0.f);
  d.scored.assign(n, 0);
  if (max_len <= 0 || n == 0) return d;
  Stepper stepper(net);
  auto logp = stepper.start(features);
  std::vector<bool> done(n, false);
  std::size_t remaining = n;
  std::vector<std::int64_t> prev(n);
  for (int t = 0; t < max_len; ++t) {
    if (t > 0) logp = stepper.feed(prev);
    auto [values, indices] = logp.max(1);
    values = values.contiguous();
    indices = indices.contiguous();
    const float* v = values.data_ptr<float>();
    const std::int64_t* id = indices.data_ptr<std::int64_t>();
    for (std::size_t b = 0; b < n; ++b) {
      prev[b] = id[b];
      if (done[b]) continue;
      d.log_prob[b] += v[b];
      ++d.scored[b];
      if (id[b] == Vocab::kEnd) {
        done[b] = true;
        --remaining;
      } else {
        d.tokens[b].push_back(id[b]);
      }
    }
    if (remaining == 0) break;
  }
  return d;
}

Decoded beam_decode(CaptionNet& net, const torch::Tensor& features, int beam, int max_len) {
  const auto n = static_cast<std::size_t>(features.size(0));
  Decoded d;
  if (max_len <= 0 || n == 0) {
    d.tokens.resize(n);
    d.log_prob.assign(n, 0.f);
    d.scored.assign(n, 0);
    return d;
  }
  beam = std::max(beam, 1);
  const auto k = static_cast<std::size_t>(beam);
  Stepper stepper(net);
  auto logp = stepper.start(features).repeat_interleave(beam, 0);
  stepper.h = stepper.h.repeat_interleave(beam, 0);
  stepper.c = stepper.c.repeat_interleave(beam, 0);
  const std::int64_t vocab = logp.size(1);
  const std::int64_t k2 = std::min<std::int64_t>(2 * beam, beam * vocab);

  std::vector<std::vector<Hyp>> alive(n, std::vector<Hyp>(k)), finished(n);
  for (auto& hyps : alive) hyps[0].score = 0.f;
  std::vector<bool> done(n, false);
  std::vector<float> scores(n * k);
  std::vector<std::int64_t> rows(n * k), next_tokens(n * k);
  for (int t = 0; t < max_len; ++t) {
    if (t > 0) logp = stepper.feed(next_tokens);
    for (std::size_t i = 0; i < n * k; ++i) scores[i] = alive[i / k][i % k].score;
    auto total = (torch::tensor(scores).view({-1, 1}) + logp).view({static_cast<std::int64_t>(n), -1});
    auto [values, indices] = total.topk(k2, 1);
    values = values.contiguous();
    indices = indices.contiguous();
    bool all_done = true;
    for (std::size_t b = 0; b < n; ++b) {
      for (std::size_t s = 0; s < k; ++s) {
        rows[b * k + s] = static_cast<std::int64_t>(b * k + s);
        next_tokens[b * k + s] = Vocab::kPad;
      }
      if (done[b]) continue;
      std::vector<Hyp> next;
      std::vector<std::size_t> parents;
      for (std::int64_t j = 0; j < k2; ++j) {
        const float v = values.data_ptr<float>()[b * k2 + j];
        if (v == kNegInf) break;
        const std::int64_t flat = indices.data_ptr<std::int64_t>()[b * k2 + j];
        const auto parent = static_cast<std::size_t>(flat / vocab);
        const std::int64_t token = flat % vocab;
        const Hyp& p = alive[b][parent];
        if (token == Vocab::kEnd) {
          // An ending counts only if it ranks among the best K (as fairseq).
          if (j < beam) finished[b].push_back({p.tokens, v, p.scored + 1});
        } else if (next.size() < k) {
          Hyp h{p.tokens, v, p.scored + 1};
          h.tokens.push_back(token);
          next.push_back(std::move(h));
          parents.push_back(parent);
        }
        if (next.size() == k && j >= beam - 1) break;
      }
      float best_finished = kNegInf;
      for (const Hyp& h : finished[b]) best_finished = std::max(best_finished, h.score);
      const float best_alive = next.empty() ? kNegInf : next.front().score;
      for (std::size_t s = 0; s < next.size(); ++s) {
        rows[b * k + s] = static_cast<std::int64_t>(b * k + parents[s]);
        next_tokens[b * k + s] = next[s].tokens.back();
      }
      next.resize(k);  // dead slots score -inf
      alive[b] = std::move(next);
      // Scores only fall as hypotheses grow: an alive one cannot overtake.
      if (best_alive == kNegInf || best_finished >= best_alive) done[b] = true;
      all_done = all_done && done[b];
    }
    if (all_done || t + 1 == max_len) break;
    auto index = torch::tensor(rows, torch::kLong);
    stepper.h = stepper.h.index_select(0, index);
    stepper.c = stepper.c.index_select(0, index);
  }

  for (std::size_t b = 0; b < n; ++b) {
    const Hyp* best = nullptr;
    for (const Hyp& h : finished[b])
      if (!best || h.score > best->score) best = &h;
    if (!done[b])  // ran out of length: unfinished hypotheses compete too
      for (const Hyp& h : alive[b])
        if (h.score != kNegInf && (!best || h.score > best->score)) best = &h;
    d.tokens.push_back(best ? best->tokens : std::vector<std::int64_t>{});
    d.log_prob.push_back(best ? best->score : kNegInf);
    d.scored.push_back(best ? best->scored : 0);
  }
  return d;
}

}  // namespace gloss
