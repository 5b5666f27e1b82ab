// TFRecordDataset: the records of TFRecord files (uint64 length, masked CRC32C of the length,
// the bytes, masked CRC32C of the bytes) as string scalars, file after file, uncompressed or
// (compression_type "ZLIB" / "GZIP") inflated as a whole-file stream, as TF writes them; a bad
// checksum or a truncated record is DataLoss naming the file, as in TF.
#include <cstring>
#include <fstream>

#include "data/datasets.h"
#include "data/zlib_stream.h"
#include "io/crc32c.h"
#include "varflow/errors.h"

namespace varflow::data {

namespace {

class TFRecordDataset : public Dataset {
 public:
  TFRecordDataset(std::vector<std::string> files, Compression compression)
      : files_(std::move(files)), compression_(compression) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    struct It : Iterator {
      const std::vector<std::string>* files;
      Compression compression = Compression::kNone;
      size_t index = 0;
      std::ifstream file;
      std::unique_ptr<std::streambuf> inflater;
      std::istream in{nullptr};
      bool open = false;
      uint64_t offset = 0;

      [[noreturn]] void corrupt(const char* what) const {
        raise(ErrorCode::kDataLoss, what, " in ", (*files)[index], " at byte offset ", offset);
      }
      // Reads exactly n bytes; false at a clean end of file before the first byte.
      bool read(void* out, size_t n, bool at_record_start) {
        in.read(static_cast<char*>(out), static_cast<std::streamsize>(n));
        const auto got = static_cast<size_t>(in.gcount());
        if (got == n) return true;
        if (got == 0 && at_record_start) return false;
        corrupt("truncated record");
      }
      bool next(Element* out) override {
        while (index < files->size()) {
          if (!open) {
            file = std::ifstream((*files)[index], std::ios::binary);
            VF_CHECK(file.good(), ErrorCode::kNotFound, (*files)[index],
                     "; No such file or directory");
            inflater = compression == Compression::kNone
                           ? nullptr
                           : make_inflating_buffer(file.rdbuf(), compression, (*files)[index]);
            in.rdbuf(inflater ? inflater.get() : file.rdbuf());
            // The inflater's DataLoss passes through read() instead of becoming a failbit.
            in.exceptions(std::ios::badbit);
            open = true;
            offset = 0;
          }
          unsigned char header[12];
          if (!read(header, sizeof header, true)) {
            in.rdbuf(file.rdbuf());
            inflater.reset();
            file.close();
            open = false;
            ++index;
            continue;
          }
          uint64_t length;
          uint32_t length_crc;
          std::memcpy(&length, header, 8);
          std::memcpy(&length_crc, header + 8, 4);
          if (io::crc32c_unmask(length_crc) != io::crc32c(header, 8))
            corrupt("corrupted record (length checksum)");
          Tensor record(DType::kString, {});
          std::string& bytes = *static_cast<std::string*>(record.raw());
          VF_CHECK(length < (uint64_t{1} << 40), ErrorCode::kDataLoss, "record of ", length,
                   " bytes in ", (*files)[index]);
          bytes.resize(static_cast<size_t>(length));
          uint32_t data_crc;
          read(bytes.data(), bytes.size(), false);
          read(&data_crc, 4, false);
          if (io::crc32c_unmask(data_crc) != io::crc32c(bytes.data(), bytes.size()))
            corrupt("corrupted record (data checksum)");
          offset += 16 + length;
          out->assign(1, std::move(record));
          return true;
        }
        return false;
      }
    };
    auto it = std::make_unique<It>();
    it->files = &files_;
    it->compression = compression_;
    return it;
  }

 private:
  std::vector<std::string> files_;
  Compression compression_;
};

}  // namespace

DatasetPtr bind_tfrecord(const Binding& b) {
  const Tensor& names = b.arg(0);
  VF_CHECK(names.dtype() == DType::kString && names.rank() <= 1, ErrorCode::kInvalidArgument,
           "`filenames` must be a scalar or vector of strings");
  std::vector<std::string> files;
  const auto* data = static_cast<const std::string*>(names.raw());
  for (int64_t i = 0; i < names.num_elements(); ++i) files.push_back(data[i]);
  const Tensor& compression = b.arg(1);
  const std::string kind = compression.num_elements() == 1 && compression.dtype() == DType::kString
                               ? *static_cast<const std::string*>(compression.raw())
                               : "";
  return std::make_shared<TFRecordDataset>(std::move(files), compression_from_name(kind));
}

}  // namespace varflow::data
