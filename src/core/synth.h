// The bundled synthetic data set: random scenes of simple shapes on patterned
// backgrounds, a deterministic renderer and the dataset writer
// (images/*.png + captions.jsonl). See docs/synth.md.
//
// Determinism: everything here is driven by gloss::Rng (splitmix64, integer
// only) and rendered with IEEE-754 +,-,*,/,sqrt (no libm transcendental
// functions, no FMA contraction), so the same seed gives the same bytes on any
// machine.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/image.h"

namespace gloss {

// ---- PRNG ------------------------------------------------------------------

// splitmix64. Same seed -> same sequence everywhere; helpers do their own
// integer-to-float conversions (no std:: distributions).
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : state_(seed) {}
  std::uint64_t next_u64();
  std::uint32_t next_u32() { return static_cast<std::uint32_t>(next_u64() >> 32); }
  // Uniform integer in [lo, hi] (inclusive), unbiased. Requires lo <= hi.
  int uniform_int(int lo, int hi);
  // Uniform double in [0, 1) with 53 random bits.
  double uniform01();
  // Uniform float in [lo, hi).
  float uniform(float lo, float hi);
  // True with probability p.
  bool chance(double p) { return uniform01() < p; }
  // Index drawn with the given (non-negative) weights.
  int weighted(const double* weights, int n);

 private:
  std::uint64_t state_;
};

// Mixes a seed with stream/index words into a new, well-spread seed.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0);

// ---- Scene vocabulary -------------------------------------------------------

enum class Shape : std::uint8_t { circle, square, triangle, star, cross };
// Object colours are red..black; backgrounds use kBackgroundColours (grey is a
// background-only colour).
enum class Colour : std::uint8_t { red, green, blue, yellow, purple, orange, white, black, grey };
enum class Size : std::uint8_t { small, large };
enum class Pattern : std::uint8_t { plain, striped, dotted, checkered };

inline constexpr int kShapeCount = 5;
inline constexpr int kColourCount = 9;
inline constexpr int kSizeCount = 2;
inline constexpr int kPatternCount = 4;

// Words, indexed by the enum value.
inline constexpr std::array<std::string_view, kShapeCount> kShapeNouns = {
    "circle", "square", "triangle", "star", "cross"};
inline constexpr std::array<std::string_view, kShapeCount> kShapePlurals = {
    "circles", "squares", "triangles", "stars", "crosses"};
inline constexpr std::array<std::string_view, kColourCount> kColourWords = {
    "red", "green", "blue", "yellow", "purple", "orange", "white", "black", "grey"};
inline constexpr std::array<std::string_view, kSizeCount> kSizeWords = {"small", "large"};
inline constexpr std::array<std::string_view, kPatternCount> kPatternWords = {
    "plain", "striped", "dotted", "checkered"};

inline constexpr std::array<Colour, 8> kObjectColours = {
    Colour::red,    Colour::green,  Colour::blue,  Colour::yellow,
    Colour::purple, Colour::orange, Colour::white, Colour::black};
inline constexpr std::array<Colour, 6> kBackgroundColours = {
    Colour::grey, Colour::white, Colour::black, Colour::green, Colour::blue, Colour::yellow};

inline std::string_view shape_word(Shape s, bool plural = false) {
  return plural ? kShapePlurals[static_cast<int>(s)] : kShapeNouns[static_cast<int>(s)];
}
inline std::string_view colour_word(Colour c) { return kColourWords[static_cast<int>(c)]; }
inline std::string_view size_word(Size s) { return kSizeWords[static_cast<int>(s)]; }
inline std::string_view pattern_word(Pattern p) { return kPatternWords[static_cast<int>(p)]; }

// Nominal RGB of a colour as an object and as a background.
struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};
Rgb object_rgb(Colour c);
Rgb background_rgb(Colour c);

// ---- Scene model -----------------------------------------------------------

struct SceneObject {
  Shape shape = Shape::circle;
  Colour colour = Colour::red;
  Size size = Size::small;
  float x = 0.5f, y = 0.5f;  // centre, fractions of the image side, in [0,1]
  float rotation = 0.f;      // radians (ignored for circles)
  float radius = 0.f;        // half extent, fraction of the image side; 0 = nominal_radius(size)
};

struct Background {
  Colour colour = Colour::grey;
  Pattern pattern = Pattern::plain;
  float pattern_angle = 0.f;  // radians; stripe direction / grid rotation
};

// Rendering nuisances. A default-constructed Appearance renders clean.
struct Appearance {
  float noise_sigma = 0.f;     // std-dev of per-pixel, per-channel noise (0..255 units)
  float brightness = 1.f;      // global multiplier
  float gradient = 0.f;        // lighting gradient: multiplier ranges 1 -/+ gradient across the image
  float gradient_angle = 0.f;  // radians, direction of the lighting gradient
  float colour_jitter = 0.f;   // max per-channel offset of each object colour (background: half)
};

// Objects are drawn in order (later ones on top). Groups (identical
// shape+colour+size) are derived from the objects, see describe_scene().
struct Scene {
  Background background;
  std::vector<SceneObject> objects;
  Appearance appearance;
};

// Ranges random_scene() draws from. The defaults are the bundled data set.
struct SynthKnobs {
  int max_groups = 3;          // captions must fit the captioner's 20 tokens: 3 groups = 19 words
  int max_objects = 4;
  float min_separation = 0.78f;  // centres at least this * (r1 + r2) apart (<1: partial overlap)
  float small_radius_min = 0.070f, small_radius_max = 0.100f;
  float large_radius_min = 0.125f, large_radius_max = 0.170f;
  float max_rotation = 0.6f;     // radians, +/-
  float noise_max = 12.f;        // noise_sigma uniform in [0, noise_max]
  float brightness_min = 0.85f, brightness_max = 1.12f;
  float gradient_max = 0.25f;
  float colour_jitter_max = 18.f;
};

inline float nominal_radius(Size s) { return s == Size::small ? 0.085f : 0.1475f; }

Scene random_scene(Rng& rng, const SynthKnobs& knobs = {});

// Rasterises at size x size (RGB8). Shapes are anti-aliased from signed
// distances; noise and colour jitter are drawn from noise_seed.
Image render_scene(const Scene& scene, int size, std::uint64_t noise_seed);

// Structured ground truth (background, groups, objects, appearance); the
// "scene" field of captions.jsonl.
nlohmann::ordered_json scene_to_json(const Scene& scene);

// ---- Dataset writer --------------------------------------------------------

struct SynthOptions {
  std::filesystem::path out_dir;
  int count = 0;
  std::uint64_t seed = 0;
  int size = 96;
  int threads = 1;  // PNG rendering/encoding workers; output does not depend on it
  // Called from the calling thread with (done, total) now and then.
  std::function<void(int, int)> progress;
  SynthKnobs knobs;  // the defaults are the bundled data set
};

struct SynthReport {
  int images = 0;
  std::filesystem::path captions_path;  // out_dir/captions.jsonl
  std::filesystem::path images_dir;     // out_dir/images
  std::uintmax_t png_bytes = 0;
};

// Per-image derivation: image i's scene, caption and pixels depend only on
// (seed, i) (and size for the pixels), so a smaller count is a prefix.
struct SynthSample {
  Scene scene;
  std::string caption;
  std::uint64_t noise_seed = 0;
};
SynthSample synth_sample(std::uint64_t seed, std::uint64_t index, const SynthKnobs& knobs = {});
// The knobs of a camera `zoom` times closer (object radii scaled), with
// noise, colour jitter and lighting gradient maxima; the rest default.
// Throws UserError on values outside what the renderer can draw.
SynthKnobs camera_knobs(float zoom, float noise_max, float colour_jitter_max, float gradient_max);
std::string synth_image_name(std::uint64_t index);  // "images/scene-000000.png"

// Writes out_dir/images/scene-NNNNNN.png and out_dir/captions.jsonl (one
// {"image","caption","scene"} object per line). Creates out_dir. Throws
// UserError when the options are invalid or the files cannot be written.
SynthReport write_synth_dataset(const SynthOptions& options);

}  // namespace gloss
