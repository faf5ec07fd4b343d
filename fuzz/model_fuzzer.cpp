// libFuzzer target: any bytes as a trained-model file through LoadModel and tensor lookup.
#include <cstddef>
#include <cstdint>

#include "fuzz_util.hpp"
#include "unmix/core/error.hpp"
#include "unmix/nets/model_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace unmix;
  static const auto path = fuzz::ScratchDir() / "model.json";
  fuzz::WriteFile(path, data, size);
  try {
    const nets::Model m = nets::LoadModel(path);
    for (const auto& [name, t] : m.tensors) {
      (void)m.Tensor(name, t.rows(), t.cols());
      try {
        (void)m.Tensor(name, m.bands, m.endmembers);
      } catch (const Error&) {
      }
    }
  } catch (const Error&) {
  }
  return 0;
}
