#pragma once
// Transparent huge pages for large, freshly allocated buffers. The first write to each 4 KiB page
// of a new allocation is a page fault; on the virtual machine this project is measured on a fault
// costs several microseconds, enough to make filling a new scene buffer slower than reading the
// file into it (docs/speed.md, "Reading and checksums"). Where the kernel offers transparent huge
// pages only on request (the Debian default, `madvise`), asking for them on the buffer's 2 MiB-
// aligned interior before the first write cuts the number of faults by 512.
#include <cstddef>

namespace unmix::internal {

// Advises the kernel to back [data, data + bytes) with huge pages where it can. Does nothing for
// buffers under 4 MiB, on systems without madvise(MADV_HUGEPAGE), or when the kernel refuses.
void AdviseHugePages(void* data, std::size_t bytes) noexcept;

}  // namespace unmix::internal
