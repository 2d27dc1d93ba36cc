#version 330 core
// One textured quad, no vertex buffer: corners come from gl_VertexID
// (triangle strip 0..3), position and texture rectangles from uniforms.
uniform vec4 u_rect;  // x0, y0, x1, y1 in normalised device coordinates
uniform vec4 u_uv;    // u0, v0, u1, v1
out vec2 v_uv;
void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
  gl_Position = vec4(mix(u_rect.xy, u_rect.zw, corner), 0.0, 1.0);
  v_uv = mix(u_uv.xy, u_uv.zw, corner);
}
