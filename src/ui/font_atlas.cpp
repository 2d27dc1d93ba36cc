#include "ui/font_atlas.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace gloss::ui {

static_assert(sizeof(ImWchar) == sizeof(std::uint16_t), "GlyphSet's ranges are 16-bit, like Debian's ImGui");

// A font file mapped read-only: stb_truetype reads only the tables and the
// glyphs it needs, so a 20 MB .ttc costs the pages those live on, not 20 MB.
class MappedFile {
 public:
  static std::unique_ptr<MappedFile> open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat st {};
    void* data = MAP_FAILED;
    if (::fstat(fd, &st) == 0 && st.st_size > 0)
      data = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (data == MAP_FAILED) return nullptr;
    return std::unique_ptr<MappedFile>(new MappedFile(data, static_cast<std::size_t>(st.st_size)));
  }
  ~MappedFile() { ::munmap(data_, size_); }
  void* data() const { return data_; }
  int size() const { return static_cast<int>(size_); }

 private:
  MappedFile(void* data, std::size_t size) : data_(data), size_(size) {}
  void* data_;
  std::size_t size_;
};

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double thread_cpu_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

// Adds a font from a mapping without ImGui's copy of the data: AddFont copies
// data it does not own (20 MB per size for the .ttc), so it is handed over as
// owned and the ownership taken back at once, before anything could free it.
ImFont* add_mapped(const MappedFile& file, float px, ImFontConfig config, const std::vector<std::uint16_t>& ranges) {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  config.FontDataOwnedByAtlas = true;
  ImFont* font = atlas->AddFontFromMemoryTTF(file.data(), file.size(), px, &config,
                                             reinterpret_cast<const ImWchar*>(ranges.data()));
  atlas->ConfigData.back().FontDataOwnedByAtlas = false;
  return font;
}

// ImGui sizes a font by ascent + descent: 1.448 em for Noto Sans CJK against
// 1.164 for DejaVu Sans, so at the same size ideographs look a size smaller
// than the Latin around them. This brings their em close to DejaVu's.
constexpr float kCjkScale = 1.2f;

}  // namespace

FontAtlas::FontAtlas(float scale, FontPaths paths, std::size_t max_extra) : scale_(scale), glyphs_(max_extra) {
  const auto t0 = std::chrono::steady_clock::now();
  sans_ = MappedFile::open(paths.sans);
  bold_ = MappedFile::open(paths.bold);
  cjk_ = MappedFile::open(paths.cjk);
  cjk_bold_ = MappedFile::open(paths.cjk_bold);
  stats_.load_ms = ms_since(t0);
  if (!sans_)
    problem_ = paths.sans + " not found (apt install fonts-dejavu-core): text outside ASCII shows as '?'";
  else if (!cjk_)
    problem_ = paths.cjk + " not found (apt install fonts-noto-cjk): Chinese, Japanese and Korean show as '\xEF\xBF\xBD'";
  if (!problem_.empty()) std::fprintf(stderr, "gloss: %s\n", problem_.c_str());
}

FontAtlas::~FontAtlas() = default;

bool FontAtlas::build_if_needed() {
  if (!glyphs_.changed() && stats_.builds > 0) return false;
  build();
  return true;
}

void FontAtlas::add_font(ImFont*& slot, const MappedFile* latin, const MappedFile* cjk, float px) {
  ImFontConfig config;
  config.OversampleH = 2;
  slot = add_mapped(*latin, px * scale_, config, all_ranges_);
  if (!cjk || glyphs_.extra_count() == 0) return;
  // CJK glyphs are dense: horizontal oversampling would double their share of
  // the texture for no visible gain.
  ImFontConfig merge;
  merge.MergeMode = true;
  merge.FontNo = 0;  // Noto Sans CJK JP: every face of the .ttc covers all of CJK
  merge.OversampleH = 1;
  merge.PixelSnapH = true;
  add_mapped(*cjk, px * kCjkScale * scale_, merge, extra_ranges_);
}

void FontAtlas::build() {
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = thread_cpu_ms();
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  atlas->Clear();
  atlas->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
  extra_ranges_ = glyphs_.extra_ranges();
  all_ranges_ = GlyphSet::base_ranges();
  all_ranges_.pop_back();  // DejaVu draws some of the extra characters too (Armenian, Georgian, maths)
  all_ranges_.insert(all_ranges_.end(), extra_ranges_.begin(), extra_ranges_.end());
  if (sans_) {
    add_font(fonts_.body, sans_.get(), cjk_.get(), 16.f);
    add_font(fonts_.caption, sans_.get(), cjk_.get(), 21.f);
    add_font(fonts_.small, sans_.get(), cjk_.get(), 13.5f);
    add_font(fonts_.heading, bold_ ? bold_.get() : sans_.get(), cjk_bold_ ? cjk_bold_.get() : cjk_.get(), 16.f);
  } else {
    fonts_.body = fonts_.caption = fonts_.small = fonts_.heading = atlas->AddFontDefault();
  }
  atlas->Build();
  glyphs_.mark_built();
  stats_.build_ms = ms_since(t0);
  stats_.build_cpu_ms = thread_cpu_ms() - cpu0;
  stats_.texture_width = atlas->TexWidth;
  stats_.texture_height = atlas->TexHeight;
  stats_.characters = glyphs_.extra_count();
  ++stats_.builds;
  if (glyphs_.refused() > 0 && !warned_full_) {
    warned_full_ = true;
    std::fprintf(stderr, "gloss: some characters cannot be drawn (beyond U+FFFF, or past the font atlas's %zu extra "
                         "characters): they show as \xEF\xBF\xBD\n", glyphs_.extra_count());
  }
}

std::u32string FontAtlas::missing(std::string_view utf8) const {
  std::u32string out;
  for (char32_t c : decode_utf8(utf8)) {
    if (c < 0x20 || out.find(c) != std::u32string::npos) continue;
    for (const ImFont* font : {fonts_.body, fonts_.caption, fonts_.small, fonts_.heading})
      if (!font || c > 0xFFFF || !font->FindGlyphNoFallback(static_cast<ImWchar>(c))) {
        out.push_back(c);
        break;
      }
  }
  return out;
}

}  // namespace gloss::ui
