// Synthetic scenes: generation, rendering, dataset writer. See docs/synth.md.
//
// Byte-for-byte determinism across machines: no std:: distributions, no libm
// transcendental functions (det_sin below), and no fused multiply-add
// contraction (the pragma; x86-64 without -mfma never contracts anyway, this
// keeps aarch64 builds identical too). Must stay before any include so every
// function in this file, inline ones included, gets the same options.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "core/synth.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <mutex>
#include <system_error>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/scene_caption.h"

namespace gloss {

namespace fs = std::filesystem;

// ---- Rng -------------------------------------------------------------------

namespace {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

std::uint64_t fmix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

constexpr double kPi = 3.14159265358979323846;

// sin from a Taylor series after range reduction: only +,-,*,/ and floor, so
// the result is the same on every IEEE-754 machine (libm's sin is not
// guaranteed to be).
double det_sin(double x) {
  const double two_pi = 2.0 * kPi;
  x -= std::floor(x / two_pi + 0.5) * two_pi;  // [-pi, pi]
  if (x > kPi / 2) {
    x = kPi - x;
  } else if (x < -kPi / 2) {
    x = -kPi - x;
  }
  const double x2 = x * x;
  double term = x;
  double sum = x;
  for (int n = 1; n <= 9; ++n) {
    term *= -x2 / static_cast<double>((2 * n) * (2 * n + 1));
    sum += term;
  }
  return sum;
}
double det_cos(double x) { return det_sin(x + kPi / 2); }

}  // namespace

std::uint64_t Rng::next_u64() {
  state_ += kGolden;
  return fmix64(state_);
}

int Rng::uniform_int(int lo, int hi) {
  if (hi <= lo) return lo;
  const std::uint64_t range = static_cast<std::uint64_t>(static_cast<std::int64_t>(hi) - lo) + 1;
  // Reject the top partial bucket so every value is equally likely.
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % range);
  std::uint64_t v = next_u64();
  while (v >= limit) v = next_u64();
  return static_cast<int>(static_cast<std::int64_t>(lo) + static_cast<std::int64_t>(v % range));
}

double Rng::uniform01() {
  return static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0);  // 2^-53
}

float Rng::uniform(float lo, float hi) {
  return static_cast<float>(static_cast<double>(lo) +
                            (static_cast<double>(hi) - static_cast<double>(lo)) * uniform01());
}

int Rng::weighted(const double* weights, int n) {
  double total = 0;
  for (int i = 0; i < n; ++i) total += weights[i];
  if (n <= 0) return 0;
  double r = uniform01() * total;
  for (int i = 0; i < n; ++i) {
    if (r < weights[i]) return i;
    r -= weights[i];
  }
  return n - 1;
}

std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  std::uint64_t h = fmix64(seed + kGolden);
  h = fmix64(h ^ (a + 0x632BE59BD9B4E019ULL));
  h = fmix64(h ^ (b + 0x8CB92BA72F3D8DD7ULL));
  return h;
}

// ---- Colours ---------------------------------------------------------------

Rgb object_rgb(Colour c) {
  switch (c) {
    case Colour::red: return {215, 40, 40};
    case Colour::green: return {40, 175, 60};
    case Colour::blue: return {40, 90, 225};
    case Colour::yellow: return {245, 215, 40};
    case Colour::purple: return {145, 60, 185};
    case Colour::orange: return {250, 140, 25};
    case Colour::white: return {250, 250, 250};
    case Colour::black: return {15, 15, 15};
    case Colour::grey: return {128, 128, 128};
  }
  return {128, 128, 128};
}

Rgb background_rgb(Colour c) {
  switch (c) {
    case Colour::grey: return {120, 120, 120};
    case Colour::white: return {232, 232, 232};
    case Colour::black: return {32, 32, 32};
    case Colour::green: return {64, 128, 72};
    case Colour::blue: return {60, 90, 170};
    case Colour::yellow: return {225, 200, 90};
    // Not drawn by random_scene; lighter/darker versions of the object colour.
    case Colour::red: return {170, 70, 70};
    case Colour::purple: return {110, 70, 140};
    case Colour::orange: return {200, 130, 70};
  }
  return {120, 120, 120};
}

namespace {

// The second colour of striped/dotted/checkered backgrounds.
Rgb pattern_rgb(Colour c) {
  switch (c) {
    case Colour::grey: return {165, 165, 165};
    case Colour::white: return {180, 180, 180};
    case Colour::black: return {85, 85, 85};
    case Colour::green: return {104, 170, 112};
    case Colour::blue: return {100, 135, 215};
    case Colour::yellow: return {185, 160, 60};
    default: {
      const Rgb b = background_rgb(c);
      return {static_cast<std::uint8_t>(std::min(255, b.r + 45)),
              static_cast<std::uint8_t>(std::min(255, b.g + 45)),
              static_cast<std::uint8_t>(std::min(255, b.b + 45))};
    }
  }
}

}  // namespace

// ---- random_scene ----------------------------------------------------------

Scene random_scene(Rng& rng, const SynthKnobs& knobs) {
  Scene scene;
  scene.background.colour =
      kBackgroundColours[rng.uniform_int(0, static_cast<int>(kBackgroundColours.size()) - 1)];
  scene.background.pattern = static_cast<Pattern>(rng.uniform_int(0, kPatternCount - 1));
  switch (scene.background.pattern) {
    case Pattern::plain: break;
    case Pattern::striped:
      scene.background.pattern_angle = static_cast<float>(rng.uniform_int(0, 3) * (kPi / 4));
      break;
    case Pattern::dotted:
    case Pattern::checkered:
      scene.background.pattern_angle = static_cast<float>(rng.uniform_int(0, 1) * (kPi / 4));
      break;
  }

  const int max_objects = std::clamp(knobs.max_objects, 1, 4);
  const int max_groups = std::clamp(knobs.max_groups, 1, max_objects);
  static constexpr double kGroupWeights[] = {0.40, 0.35, 0.25, 0.15};
  const int n_groups = 1 + rng.weighted(kGroupWeights, max_groups);

  struct Group {
    Shape shape;
    Colour colour;
    Size size;
    int count;
  };
  std::vector<Group> groups;
  int remaining = max_objects;
  static constexpr double kCountWeights[] = {0.55, 0.30, 0.12, 0.03};
  std::vector<Colour> colours;
  for (Colour c : kObjectColours)
    if (c != scene.background.colour) colours.push_back(c);
  for (int g = 0; g < n_groups; ++g) {
    const int allowed = remaining - (n_groups - 1 - g);
    const int count = 1 + rng.weighted(kCountWeights, std::min(allowed, 4));
    remaining -= count;
    Group group{};
    for (;;) {  // distinct shape+colour+size per group (always terminates: 5*7*2 combos)
      group.shape = static_cast<Shape>(rng.uniform_int(0, kShapeCount - 1));
      group.colour = colours[rng.uniform_int(0, static_cast<int>(colours.size()) - 1)];
      group.size = static_cast<Size>(rng.uniform_int(0, kSizeCount - 1));
      const bool dup = std::any_of(groups.begin(), groups.end(), [&](const Group& o) {
        return o.shape == group.shape && o.colour == group.colour && o.size == group.size;
      });
      if (!dup) break;
    }
    group.count = count;
    groups.push_back(group);
  }

  for (const Group& g : groups) {
    for (int k = 0; k < g.count; ++k) {
      SceneObject o;
      o.shape = g.shape;
      o.colour = g.colour;
      o.size = g.size;
      o.radius = g.size == Size::small ? rng.uniform(knobs.small_radius_min, knobs.small_radius_max)
                                       : rng.uniform(knobs.large_radius_min, knobs.large_radius_max);
      o.rotation = o.shape == Shape::circle
                       ? 0.f
                       : rng.uniform(-knobs.max_rotation, knobs.max_rotation);
      scene.objects.push_back(o);
    }
  }

  // Place the largest first; rejection sampling with a separation that relaxes
  // after every 64 failed tries (so it always terminates).
  std::vector<int> order(scene.objects.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return scene.objects[a].radius > scene.objects[b].radius;
  });
  const float margin = 0.02f;
  std::vector<int> placed;
  for (int idx : order) {
    SceneObject& o = scene.objects[idx];
    float separation = knobs.min_separation;
    const float lo = o.radius + margin;
    const float hi = std::max(lo, 1.f - o.radius - margin);
    for (int attempt = 0;; ++attempt) {
      if (attempt > 0 && attempt % 64 == 0) separation *= 0.85f;
      o.x = rng.uniform(lo, hi);
      o.y = rng.uniform(lo, hi);
      bool ok = true;
      for (int p : placed) {
        const SceneObject& q = scene.objects[p];
        const float dx = o.x - q.x;
        const float dy = o.y - q.y;
        const float min_d = separation * (o.radius + q.radius);
        if (dx * dx + dy * dy < min_d * min_d) {
          ok = false;
          break;
        }
      }
      if (ok || attempt > 1000) break;
    }
    placed.push_back(idx);
  }
  // Random drawing order (which object covers which).
  for (int i = static_cast<int>(scene.objects.size()) - 1; i > 0; --i) {
    std::swap(scene.objects[i], scene.objects[rng.uniform_int(0, i)]);
  }

  Appearance& a = scene.appearance;
  a.noise_sigma = rng.uniform(0.f, knobs.noise_max);
  a.brightness = rng.uniform(knobs.brightness_min, knobs.brightness_max);
  a.gradient = rng.uniform(0.f, knobs.gradient_max);
  a.gradient_angle = rng.uniform(0.f, static_cast<float>(2 * kPi));
  a.colour_jitter = rng.uniform(0.f, knobs.colour_jitter_max);
  return scene;
}

// ---- render_scene ----------------------------------------------------------

namespace {

struct Vec2 {
  float x, y;
};

float clamp01(float v) { return v < 0.f ? 0.f : (v > 1.f ? 1.f : v); }

// Coverage of the "on" half [0, P/2) of a square wave with period P at u
// (pixel units), anti-aliased over one pixel.
float square_wave(float u, float period) {
  const float q = u - period * std::floor(u / period);
  const float h = period * 0.5f;
  const float sd = q < h ? std::min(q, h - q) : -std::min(q - h, period - q);
  return clamp01(0.5f + sd);
}

float sd_box(float px, float py, float hx, float hy) {
  const float qx = std::fabs(px) - hx;
  const float qy = std::fabs(py) - hy;
  const float ox = std::max(qx, 0.f);
  const float oy = std::max(qy, 0.f);
  return std::sqrt(ox * ox + oy * oy) + std::min(std::max(qx, qy), 0.f);
}

// Signed distance to a closed polygon (negative inside), after Inigo Quilez.
float sd_polygon(float px, float py, const Vec2* v, int n) {
  float d = (px - v[0].x) * (px - v[0].x) + (py - v[0].y) * (py - v[0].y);
  float s = 1.f;
  for (int i = 0, j = n - 1; i < n; j = i, ++i) {
    const float ex = v[j].x - v[i].x;
    const float ey = v[j].y - v[i].y;
    const float wx = px - v[i].x;
    const float wy = py - v[i].y;
    const float t = clamp01((wx * ex + wy * ey) / (ex * ex + ey * ey));
    const float bx = wx - ex * t;
    const float by = wy - ey * t;
    d = std::min(d, bx * bx + by * by);
    const bool c1 = py >= v[i].y;
    const bool c2 = py < v[j].y;
    const bool c3 = ex * wy > ey * wx;
    if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) s = -s;
  }
  return s * std::sqrt(d);
}

// Unit shapes (radius 1, y down, pointing up), built once from det_sin.
struct UnitShapes {
  Vec2 triangle[3];
  Vec2 star[10];
  UnitShapes() {
    for (int i = 0; i < 3; ++i) {
      const double a = -kPi / 2 + i * (2 * kPi / 3);
      triangle[i] = {static_cast<float>(1.2 * det_cos(a)), static_cast<float>(1.2 * det_sin(a))};
    }
    for (int i = 0; i < 10; ++i) {
      const double a = -kPi / 2 + i * (kPi / 5);
      const double r = (i % 2 == 0) ? 1.25 : 1.25 * 0.45;
      star[i] = {static_cast<float>(r * det_cos(a)), static_cast<float>(r * det_sin(a))};
    }
  }
};

const UnitShapes& unit_shapes() {
  static const UnitShapes shapes;
  return shapes;
}

// Signed distance (pixels) of local point p to the shape of radius R pixels.
float shape_sd(Shape shape, float px, float py, float R, const Vec2* poly) {
  switch (shape) {
    case Shape::circle: return std::sqrt(px * px + py * py) - R;
    case Shape::square: return sd_box(px, py, 0.82f * R, 0.82f * R);
    case Shape::triangle: return sd_polygon(px, py, poly, 3);
    case Shape::star: return sd_polygon(px, py, poly, 10);
    case Shape::cross:
      return std::min(sd_box(px, py, 1.0f * R, 0.36f * R), sd_box(px, py, 0.36f * R, 1.0f * R));
  }
  return 1e9f;
}

float jitter(Rng& rng, float amount) {
  return amount > 0.f ? rng.uniform(-amount, amount) : 0.f;
}

}  // namespace

Image render_scene(const Scene& scene, int size, std::uint64_t noise_seed) {
  if (size < 8 || size > 4096) {
    throw UserError("synthetic image size must be between 8 and 4096 pixels, not " +
                    std::to_string(size));
  }
  const int n = size * size;
  std::vector<float> buf(static_cast<std::size_t>(n) * 3);
  const Appearance& look = scene.appearance;
  Rng jit(mix_seed(noise_seed, 1));

  // Background.
  const Rgb bg = background_rgb(scene.background.colour);
  const Rgb pt = pattern_rgb(scene.background.colour);
  // Backgrounds get half the jitter: a grey that drifts too far reads as mauve.
  const float bg_jitter = look.colour_jitter * 0.5f;
  const float bj[3] = {jitter(jit, bg_jitter), jitter(jit, bg_jitter), jitter(jit, bg_jitter)};
  const float b0[3] = {bg.r + bj[0], bg.g + bj[1], bg.b + bj[2]};
  const float b1[3] = {pt.r + bj[0], pt.g + bj[1], pt.b + bj[2]};
  const float period = static_cast<float>(size) * 0.125f;
  const float ca = static_cast<float>(det_cos(scene.background.pattern_angle));
  const float sa = static_cast<float>(det_sin(scene.background.pattern_angle));
  for (int y = 0; y < size; ++y) {
    const float fy = static_cast<float>(y) + 0.5f;
    for (int x = 0; x < size; ++x) {
      const float fx = static_cast<float>(x) + 0.5f;
      float t = 0.f;
      if (scene.background.pattern != Pattern::plain) {
        const float u = fx * ca + fy * sa;
        const float v = fy * ca - fx * sa;
        switch (scene.background.pattern) {
          case Pattern::plain: break;
          case Pattern::striped: t = square_wave(u, period); break;
          case Pattern::checkered: {
            const float su = square_wave(u, period);
            const float sv = square_wave(v, period);
            t = su + sv - 2.f * su * sv;
            break;
          }
          case Pattern::dotted: {
            const float du = u - period * (std::floor(u / period) + 0.5f);
            const float dv = v - period * (std::floor(v / period) + 0.5f);
            t = clamp01(0.5f - (std::sqrt(du * du + dv * dv) - period * 0.22f));
            break;
          }
        }
      }
      float* p = &buf[(static_cast<std::size_t>(y) * size + x) * 3];
      for (int c = 0; c < 3; ++c) p[c] = b0[c] + (b1[c] - b0[c]) * t;
    }
  }

  // Objects, in order.
  const UnitShapes& unit = unit_shapes();
  for (const SceneObject& o : scene.objects) {
    const Rgb oc = object_rgb(o.colour);
    const float col[3] = {oc.r + jitter(jit, look.colour_jitter),
                          oc.g + jitter(jit, look.colour_jitter),
                          oc.b + jitter(jit, look.colour_jitter)};
    const float R = (o.radius > 0.f ? o.radius : nominal_radius(o.size)) * static_cast<float>(size);
    const float cx = o.x * static_cast<float>(size);
    const float cy = o.y * static_cast<float>(size);
    const float rc = static_cast<float>(det_cos(o.rotation));
    const float rs = static_cast<float>(det_sin(o.rotation));
    Vec2 poly[10];
    int np = 0;
    if (o.shape == Shape::triangle || o.shape == Shape::star) {
      const Vec2* src = o.shape == Shape::triangle ? unit.triangle : unit.star;
      np = o.shape == Shape::triangle ? 3 : 10;
      for (int i = 0; i < np; ++i) poly[i] = {src[i].x * R, src[i].y * R};
    }
    const float reach = R * 1.3f + 2.f;
    const int x0 = std::max(0, static_cast<int>(std::floor(cx - reach)));
    const int x1 = std::min(size - 1, static_cast<int>(std::ceil(cx + reach)));
    const int y0 = std::max(0, static_cast<int>(std::floor(cy - reach)));
    const int y1 = std::min(size - 1, static_cast<int>(std::ceil(cy + reach)));
    for (int y = y0; y <= y1; ++y) {
      const float dy = static_cast<float>(y) + 0.5f - cy;
      for (int x = x0; x <= x1; ++x) {
        const float dx = static_cast<float>(x) + 0.5f - cx;
        // Rotate the sample into the object's frame (by -rotation).
        const float lx = dx * rc + dy * rs;
        const float ly = dy * rc - dx * rs;
        const float cov = clamp01(0.5f - shape_sd(o.shape, lx, ly, R, poly));
        if (cov <= 0.f) continue;
        float* p = &buf[(static_cast<std::size_t>(y) * size + x) * 3];
        for (int c = 0; c < 3; ++c) p[c] += (col[c] - p[c]) * cov;
      }
    }
  }

  // Lighting, noise, quantisation.
  Image img;
  img.width = size;
  img.height = size;
  img.rgb.resize(static_cast<std::size_t>(n) * 3);
  Rng noise(mix_seed(noise_seed, 2));
  const float gc = static_cast<float>(det_cos(look.gradient_angle));
  const float gs = static_cast<float>(det_sin(look.gradient_angle));
  const float inv = 1.f / static_cast<float>(size);
  const bool noisy = look.noise_sigma > 0.f;
  // Sum of four 16-bit uniforms, centred: variance 4/12, so scale by sqrt(3).
  const float noise_scale = look.noise_sigma * 1.7320508f / 65536.f;
  for (int y = 0; y < size; ++y) {
    const float ny = (static_cast<float>(y) + 0.5f) * inv - 0.5f;
    for (int x = 0; x < size; ++x) {
      const float nx = (static_cast<float>(x) + 0.5f) * inv - 0.5f;
      const float light = look.brightness * (1.f + look.gradient * 2.f * (nx * gc + ny * gs));
      const std::size_t i = (static_cast<std::size_t>(y) * size + x) * 3;
      for (int c = 0; c < 3; ++c) {
        float v = buf[i + c] * light;
        if (noisy) {
          const std::uint64_t r = noise.next_u64();
          const float sum = static_cast<float>((r & 0xFFFF) + ((r >> 16) & 0xFFFF) +
                                               ((r >> 32) & 0xFFFF) + (r >> 48)) -
                            131070.f;
          v += sum * noise_scale;
        }
        v = v < 0.f ? 0.f : (v > 255.f ? 255.f : v);
        img.rgb[i + c] = static_cast<std::uint8_t>(static_cast<int>(v + 0.5f));
      }
    }
  }
  return img;
}

// ---- JSON ------------------------------------------------------------------

namespace {

double round3(float v) { return std::round(static_cast<double>(v) * 1000.0) / 1000.0; }

}  // namespace

nlohmann::ordered_json scene_to_json(const Scene& scene) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["background"] = {{"colour", colour_word(scene.background.colour)},
                     {"pattern", pattern_word(scene.background.pattern)},
                     {"pattern_angle", round3(scene.background.pattern_angle)}};
  ordered_json groups = ordered_json::array();
  for (const GroupDescription& g : describe_scene(scene).groups) {
    groups.push_back({{"count", g.count},
                      {"size", size_word(*g.size)},
                      {"colour", colour_word(*g.colour)},
                      {"shape", shape_word(g.shape)}});
  }
  j["groups"] = std::move(groups);
  ordered_json objects = ordered_json::array();
  for (const SceneObject& o : scene.objects) {
    objects.push_back({{"shape", shape_word(o.shape)},
                       {"colour", colour_word(o.colour)},
                       {"size", size_word(o.size)},
                       {"x", round3(o.x)},
                       {"y", round3(o.y)},
                       {"radius", round3(o.radius > 0.f ? o.radius : nominal_radius(o.size))},
                       {"rotation", round3(o.rotation)}});
  }
  j["objects"] = std::move(objects);
  const Appearance& a = scene.appearance;
  j["appearance"] = {{"noise_sigma", round3(a.noise_sigma)},
                     {"brightness", round3(a.brightness)},
                     {"gradient", round3(a.gradient)},
                     {"gradient_angle", round3(a.gradient_angle)},
                     {"colour_jitter", round3(a.colour_jitter)}};
  return j;
}

// ---- Dataset writer --------------------------------------------------------

SynthSample synth_sample(std::uint64_t seed, std::uint64_t index, const SynthKnobs& knobs) {
  SynthSample s;
  Rng scene_rng(mix_seed(seed, index, 1));
  s.scene = random_scene(scene_rng, knobs);
  Rng caption_rng(mix_seed(seed, index, 2));
  s.caption = caption_for(s.scene, caption_rng);
  s.noise_seed = mix_seed(seed, index, 3);
  return s;
}

std::string synth_image_name(std::uint64_t index) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "images/scene-%06llu.png",
                static_cast<unsigned long long>(index));
  return buf;
}

SynthKnobs camera_knobs(float zoom, float noise_max, float colour_jitter_max, float gradient_max) {
  if (!(zoom >= 0.5f && zoom <= 2.f)) throw UserError("synth: zoom must be between 0.5 and 2");
  if (!(noise_max >= 0.f && noise_max <= 100.f)) throw UserError("synth: noise must be between 0 and 100");
  if (!(colour_jitter_max >= 0.f && colour_jitter_max <= 100.f))
    throw UserError("synth: colour jitter must be between 0 and 100");
  if (!(gradient_max >= 0.f && gradient_max <= 0.9f)) throw UserError("synth: gradient must be between 0 and 0.9");
  SynthKnobs k;
  k.small_radius_min *= zoom, k.small_radius_max *= zoom;
  k.large_radius_min *= zoom, k.large_radius_max *= zoom;
  k.noise_max = noise_max;
  k.colour_jitter_max = colour_jitter_max;
  k.gradient_max = gradient_max;
  return k;
}

SynthReport write_synth_dataset(const SynthOptions& options) {
  if (options.out_dir.empty()) throw UserError("synth: no output directory given");
  if (options.count < 0) {
    throw UserError("synth: count must be 0 or more, not " + std::to_string(options.count));
  }
  if (options.size < 16 || options.size > 1024) {
    throw UserError("synth: image size must be between 16 and 1024 pixels, not " +
                    std::to_string(options.size));
  }

  SynthReport report;
  report.images_dir = options.out_dir / "images";
  report.captions_path = options.out_dir / "captions.jsonl";
  std::error_code ec;
  fs::create_directories(report.images_dir, ec);
  if (ec || !fs::is_directory(report.images_dir)) {
    throw UserError(report.images_dir.string() + ": cannot create directory" +
                    (ec ? ": " + ec.message() : std::string()));
  }

  const int count = options.count;
  std::vector<std::string> lines(static_cast<std::size_t>(count));
  std::vector<std::uintmax_t> bytes(static_cast<std::size_t>(count), 0);
  std::atomic<int> next{0};
  std::atomic<int> done{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;

  auto work_one = [&](int i) {
    const SynthSample s = synth_sample(options.seed, static_cast<std::uint64_t>(i), options.knobs);
    const std::string name = synth_image_name(static_cast<std::uint64_t>(i));
    const Image img = render_scene(s.scene, options.size, s.noise_seed);
    const fs::path file = options.out_dir / name;
    write_png(file, img);
    std::error_code size_ec;
    const std::uintmax_t sz = fs::file_size(file, size_ec);
    bytes[i] = size_ec ? 0 : sz;
    nlohmann::ordered_json line;
    line["image"] = name;
    line["caption"] = s.caption;
    line["scene"] = scene_to_json(s.scene);
    lines[i] = line.dump();
  };
  int last_reported = 0;  // only touched by the calling thread
  const int step = std::max(1, count / 100);
  auto worker = [&](bool calling_thread) {
    for (;;) {
      if (failed.load()) return;
      const int i = next.fetch_add(1);
      if (i >= count) return;
      try {
        work_one(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed.store(true);
        return;
      }
      const int d = done.fetch_add(1) + 1;
      if (calling_thread && options.progress && d - last_reported >= step) {
        last_reported = d;
        options.progress(d, count);
      }
    }
  };

  int threads = options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::clamp(threads, 1, std::max(1, count));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker, false);
  worker(true);
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  if (options.progress && last_reported != count) options.progress(count, count);

  std::ofstream out(report.captions_path, std::ios::binary | std::ios::trunc);
  if (!out) throw UserError(report.captions_path.string() + ": cannot write");
  for (const std::string& line : lines) {
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
    out.put('\n');
  }
  out.close();
  if (!out) throw UserError(report.captions_path.string() + ": write failed");

  report.images = count;
  for (std::uintmax_t b : bytes) report.png_bytes += b;
  return report;
}

}  // namespace gloss
