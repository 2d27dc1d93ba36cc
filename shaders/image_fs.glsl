#version 330 core
// The image over its background. Textures with alpha hold premultiplied
// colour; opaque ones read alpha 1. u_background: 0 checkerboard (cells of
// u_cell framebuffer pixels), 1 black, 2 white.
in vec2 v_uv;
uniform sampler2D u_image;
uniform int u_background;
uniform float u_cell;
out vec4 frag_color;
void main() {
  vec4 texel = texture(u_image, v_uv);
  vec3 background = vec3(0.0);
  if (u_background == 0) {
    vec2 cell = floor(gl_FragCoord.xy / u_cell);
    background = mod(cell.x + cell.y, 2.0) < 1.0 ? vec3(0.80) : vec3(0.56);
  } else if (u_background == 2) {
    background = vec3(1.0);
  }
  frag_color = vec4(texel.rgb + background * (1.0 - texel.a), 1.0);
}
