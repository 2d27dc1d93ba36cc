#include "ui/image_renderer.h"

#include <glad/gl.h>

#include <string>

#include "core/error.h"
#include "ui/shader_sources.h"

namespace gloss::ui {
namespace {

GLuint compile(GLenum kind, const char* source) {
  const GLuint shader = glCreateShader(kind);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[1024] = {};
    glGetShaderInfoLog(shader, sizeof log, nullptr, log);
    throw UserError(std::string("the image shader did not compile: ") + log);
  }
  return shader;
}

}  // namespace

ImageRenderer::ImageRenderer() {
  const GLuint vs = compile(GL_VERTEX_SHADER, shaders::image_vs);
  const GLuint fs = compile(GL_FRAGMENT_SHADER, shaders::image_fs);
  program_ = glCreateProgram();
  glAttachShader(program_, vs);
  glAttachShader(program_, fs);
  glLinkProgram(program_);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(program_, GL_LINK_STATUS, &ok);
  if (!ok) throw UserError("the image shader did not link");
  u_rect_ = glGetUniformLocation(program_, "u_rect");
  u_uv_ = glGetUniformLocation(program_, "u_uv");
  u_image_ = glGetUniformLocation(program_, "u_image");
  u_background_ = glGetUniformLocation(program_, "u_background");
  u_cell_ = glGetUniformLocation(program_, "u_cell");
  glGenVertexArrays(1, &vao_);  // core profile draws need a bound VAO, even an empty one
}

ImageRenderer::~ImageRenderer() {
  glDeleteVertexArrays(1, &vao_);
  glDeleteProgram(program_);
}

void ImageRenderer::draw(ImDrawList* list, const Texture& texture, ImVec2 min, ImVec2 max, bool nearest,
                         Background background) {
  requests_.push_back({this, texture, min, max, nearest, background});
  list->AddCallback(&ImageRenderer::callback, &requests_.back());
  list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

void ImageRenderer::callback(const ImDrawList*, const ImDrawCmd* cmd) {
  const auto* request = static_cast<const Request*>(cmd->UserCallbackData);
  request->self->render(*request, cmd);
}

void ImageRenderer::render(const Request& r, const ImDrawCmd* cmd) const {
  const ImDrawData* dd = ImGui::GetDrawData();
  const ImVec2 pos = dd->DisplayPos, size = dd->DisplaySize, scale = dd->FramebufferScale;
  auto ndc_x = [&](float x) { return (x - pos.x) / size.x * 2.f - 1.f; };
  auto ndc_y = [&](float y) { return 1.f - (y - pos.y) / size.y * 2.f; };
  // ImGui's backend sets the scissor only for its own draw commands.
  const ImVec4 clip = cmd->ClipRect;
  const float fb_height = size.y * scale.y;
  glEnable(GL_SCISSOR_TEST);
  glScissor(static_cast<GLint>((clip.x - pos.x) * scale.x),
            static_cast<GLint>(fb_height - (clip.w - pos.y) * scale.y),
            static_cast<GLsizei>((clip.z - clip.x) * scale.x),
            static_cast<GLsizei>((clip.w - clip.y) * scale.y));
  glUseProgram(program_);
  glBindVertexArray(vao_);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, r.texture.id);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, r.nearest ? GL_NEAREST : GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, r.nearest ? GL_NEAREST : GL_LINEAR_MIPMAP_LINEAR);
  glUniform1i(u_image_, 0);
  glUniform1i(u_background_, static_cast<int>(r.background));
  glUniform1f(u_cell_, 8.f * scale.x);
  glUniform4f(u_rect_, ndc_x(r.min.x), ndc_y(r.min.y), ndc_x(r.max.x), ndc_y(r.max.y));
  glUniform4f(u_uv_, 0.f, 0.f, 1.f, 1.f);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
}

}  // namespace gloss::ui
