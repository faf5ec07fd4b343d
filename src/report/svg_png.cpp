#include "unmix/report/svg_png.hpp"

#include <cairo.h>
#include <librsvg/rsvg.h>

#include <cmath>
#include <memory>

#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"

namespace unmix::report {
namespace {

struct GObjectDeleter {
  void operator()(RsvgHandle* h) const { g_object_unref(h); }
};
struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

void WriteSvgAsPng(const std::string& svg, const std::filesystem::path& path, double scale) {
  const std::string where = path.string();
  if (!(scale > 0) || !std::isfinite(scale)) throw OptionError("PNG scale must be a positive number");
  // SVG embedded in HTML carries no namespace; a standalone document needs one.
  std::string doc = svg;
  if (doc.find("xmlns=") == std::string::npos) {
    const auto at = doc.find("<svg");
    if (at == std::string::npos) throw InputError(where, "svg", "no <svg> element to render");
    doc.insert(at + 4, " xmlns=\"http://www.w3.org/2000/svg\"");
  }
  GError* error = nullptr;
  std::unique_ptr<RsvgHandle, GObjectDeleter> handle(
      rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(doc.data()), doc.size(), &error));
  if (!handle) {
    std::string why = error ? error->message : "unknown error";
    if (error) g_error_free(error);
    throw InputError(where, "svg", "the plot does not parse as SVG: " + why);
  }
  gdouble w = 0, h = 0;
  if (!rsvg_handle_get_intrinsic_size_in_pixels(handle.get(), &w, &h) || !(w > 0) || !(h > 0))
    throw InputError(where, "svg", "the plot has no width and height in pixels");
  const int pw = static_cast<int>(std::ceil(w * scale)), ph = static_cast<int>(std::ceil(h * scale));
  std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph));
  std::unique_ptr<cairo_t, ContextDeleter> cr(cairo_create(surface.get()));
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  const RsvgRectangle viewport{0, 0, static_cast<double>(pw), static_cast<double>(ph)};
  if (!rsvg_handle_render_document(handle.get(), cr.get(), &viewport, &error)) {
    std::string why = error ? error->message : "unknown error";
    if (error) g_error_free(error);
    throw InputError(where, "svg", "the plot could not be rendered: " + why);
  }
  cairo_surface_flush(surface.get());
  std::string png;
  if (cairo_surface_write_to_png_stream(surface.get(), AppendToString, &png) != CAIRO_STATUS_SUCCESS)
    throw InputError(where, "png", "cairo could not encode the image");
  WriteFileAtomic(path, png);
}

}  // namespace unmix::report
