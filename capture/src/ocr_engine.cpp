#include "ocr_engine.h"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

namespace secondline::capture::detail {

using core::ErrorCode;
using core::fail;

struct OcrEngine::Impl {
    tesseract::TessBaseAPI api;
};

OcrEngine::OcrEngine() : m_impl(std::make_unique<Impl>()) {}
OcrEngine::~OcrEngine() {
    m_impl->api.End();
}

core::Result<std::unique_ptr<OcrEngine>> OcrEngine::create(const std::string& modelDir, const std::string& model,
                                                           Engine engineMode) {
    std::unique_ptr<OcrEngine> engine(new OcrEngine());
    // Dictionaries would "correct" MRZ text into words; they are loaded at Init only.
    const std::vector<std::string> names = {"load_system_dawg", "load_freq_dawg",    "load_punc_dawg",
                                            "load_number_dawg", "load_unambig_dawg", "load_bigram_dawg"};
    const std::vector<std::string> values(names.size(), "0");
    const auto mode = engineMode == Engine::Legacy ? tesseract::OEM_TESSERACT_ONLY : tesseract::OEM_LSTM_ONLY;
    if (engine->m_impl->api.Init(modelDir.c_str(), model.c_str(), mode, nullptr, 0, &names, &values, false) != 0)
        return fail(ErrorCode::OcrUnavailable, "OCR model '" + model + "' cannot be loaded");
    auto& api = engine->m_impl->api;
    api.SetVariable("tessedit_char_whitelist", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<");
    api.SetVariable("debug_file", "/dev/null");
    // The legacy engine otherwise adapts to every page it reads, so a reading would depend on the documents
    // read before it; each read stands alone.
    api.SetVariable("classify_enable_learning", "0");

    api.SetPageSegMode(tesseract::PSM_SINGLE_BLOCK);
    return engine;
}

std::vector<OcrLine> OcrEngine::readLines(const cv::Mat& gray) {
    std::vector<OcrLine> out;
    if (gray.empty() || gray.type() != CV_8UC1) return out;
    cv::Mat img = gray.isContinuous() ? gray : gray.clone();
    auto& api = m_impl->api;
    api.SetImage(img.data, img.cols, img.rows, 1, static_cast<int>(img.step));
    api.SetSourceResolution(300);
    if (api.Recognize(nullptr) != 0) return out;
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    if (!it) return out;
    OcrLine current;
    do {
        std::unique_ptr<char[]> sym(it->GetUTF8Text(tesseract::RIL_SYMBOL));
        if (sym) {
            const float conf = it->Confidence(tesseract::RIL_SYMBOL) / 100.0f;
            int left = 0, top = 0, right = 0, bottom = 0;
            it->BoundingBox(tesseract::RIL_SYMBOL, &left, &top, &right, &bottom);
            for (const char* p = sym.get(); *p; ++p) {
                if (*p == ' ' || *p == '\n') continue;
                current.text += *p;
                current.symbols.push_back({*p, conf, cv::Rect(left, top, right - left, bottom - top), 0, {}});
            }
        }
        if (it->IsAtFinalElement(tesseract::RIL_TEXTLINE, tesseract::RIL_SYMBOL)) {
            if (!current.text.empty()) out.push_back(std::move(current));
            current = {};
        }
    } while (it->Next(tesseract::RIL_SYMBOL));
    if (!current.text.empty()) out.push_back(std::move(current));
    api.Clear();
    return out;
}

} // namespace secondline::capture::detail
