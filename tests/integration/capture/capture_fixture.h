#pragma once
// A suite fixture with one synthetic renderer and one MRZ reader (real fonts, real Tesseract model), loaded
// once per suite: loading them is the slow part of a capture test.

#include <secondline/capture/mrz_reader.h>
#include <secondline/capture/synthetic.h>

#include "test_support.h"

#include <memory>
#include <stdexcept>

namespace secondline::test {

class CaptureFixture : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        auto r = capture::SyntheticRenderer::create();
        ASSERT_OK(r);
        s_renderer = std::make_unique<capture::SyntheticRenderer>(std::move(*r));
        auto m = capture::MrzReader::create();
        ASSERT_OK(m);
        s_reader = std::make_unique<capture::MrzReader>(std::move(*m));
    }
    static void TearDownTestSuite() {
        s_renderer.reset();
        s_reader.reset();
    }
    static capture::SyntheticDocument render(std::uint64_t seed, validation::MrzFormat format,
                                             capture::RenderOptions options = {}) {
        options.seed = seed;
        auto doc = s_renderer->render(capture::randomFields(seed, format, testDate()), options);
        if (!doc) throw std::runtime_error(doc.error().message);
        return std::move(*doc);
    }
    static capture::MrzReading read(const capture::Image& image) {
        return s_reader->read(image, {.inspectionDate = testDate()});
    }

    static inline std::unique_ptr<capture::SyntheticRenderer> s_renderer;
    static inline std::unique_ptr<capture::MrzReader> s_reader;
};

} // namespace secondline::test
