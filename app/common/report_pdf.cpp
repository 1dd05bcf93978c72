#include "report_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>

namespace secondline::app {

namespace {

constexpr double kPageW = 595.0, kPageH = 842.0, kMargin = 48.0; // A4 in points
constexpr double kWidth = kPageW - 2 * kMargin;

cairo_status_t collect(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

std::string number(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

/// Lays blocks out top to bottom on A4 pages.
class Writer {
public:
    explicit Writer(cairo_t* cr) : m_cr(cr) {}

    void font(double size, bool bold) {
        cairo_select_font_face(m_cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(m_cr, size);
    }
    double textWidth(const std::string& s) {
        cairo_text_extents_t e;
        cairo_text_extents(m_cr, s.c_str(), &e);
        return e.x_advance;
    }
    /// Reserves `h` points and returns the top of the block.
    double take(double h) {
        if (m_y + h > kPageH - kMargin && m_y > kMargin) {
            cairo_show_page(m_cr);
            m_y = kMargin;
        }
        const double top = m_y;
        m_y += h;
        return top;
    }
    void paragraph(const std::string& text, double size, bool bold = false) {
        font(size, bold);
        std::istringstream words(text);
        std::string word, line;
        const auto flush = [&] {
            const double top = take(size * 1.35);
            cairo_set_source_rgb(m_cr, 0, 0, 0);
            cairo_move_to(m_cr, kMargin, top + size);
            cairo_show_text(m_cr, line.c_str());
            line.clear();
        };
        while (words >> word) {
            const std::string next = line.empty() ? word : line + " " + word;
            if (!line.empty() && textWidth(next) > kWidth) flush();
            line = line.empty() ? word : line + " " + word;
        }
        if (!line.empty()) flush();
        take(size * 0.4);
    }
    /// One bar per row; nullopt is written "suppressed". Whiskers (low, high) are drawn over the bars.
    void bars(const std::string& title, const std::vector<std::pair<std::string, std::optional<double>>>& rows,
              bool percent, const std::vector<std::pair<double, double>>* whiskers = nullptr) {
        if (rows.empty()) return;
        paragraph(title, 11, true);
        font(8, false);
        const double line = 11.0, labelW = kWidth * 0.25, valueW = kWidth * 0.14, barW = kWidth - labelW - valueW;
        double top = 0;
        for (const auto& [_, v] : rows)
            if (v) top = std::max(top, *v);
        if (whiskers)
            for (const auto& [lo, hi] : *whiskers) top = std::max(top, hi);
        if (top <= 0) top = 1;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const double y = take(line);
            std::string label = rows[i].first;
            while (label.size() > 3 && textWidth(label) > labelW - 8) label = label.substr(0, label.size() - 4) + "…";
            cairo_set_source_rgb(m_cr, 0, 0, 0);
            cairo_move_to(m_cr, kMargin + labelW - 6 - textWidth(label), y + 8);
            cairo_show_text(m_cr, label.c_str());
            const auto& v = rows[i].second;
            if (!v) {
                cairo_set_source_rgb(m_cr, 0.45, 0.45, 0.45);
                cairo_move_to(m_cr, kMargin + labelW, y + 8);
                cairo_show_text(m_cr, "suppressed");
                continue;
            }
            cairo_set_source_rgb(m_cr, 0.24, 0.43, 0.67);
            cairo_rectangle(m_cr, kMargin + labelW, y + 2, std::max(0.5, barW * *v / top), line - 4);
            cairo_fill(m_cr);
            if (whiskers) {
                const auto [lo, hi] = (*whiskers)[i];
                const double x0 = kMargin + labelW + barW * lo / top, x1 = kMargin + labelW + barW * hi / top;
                cairo_set_source_rgb(m_cr, 0, 0, 0);
                cairo_set_line_width(m_cr, 0.8);
                cairo_move_to(m_cr, x0, y + line / 2);
                cairo_line_to(m_cr, x1, y + line / 2);
                cairo_move_to(m_cr, x0, y + 3);
                cairo_line_to(m_cr, x0, y + line - 3);
                cairo_move_to(m_cr, x1, y + 3);
                cairo_line_to(m_cr, x1, y + line - 3);
                cairo_stroke(m_cr);
            }
            cairo_set_source_rgb(m_cr, 0, 0, 0);
            cairo_move_to(m_cr, kMargin + labelW + barW + 6, y + 8);
            const std::string shown = percent ? number(*v * 100, 1) + " %" : number(*v, 0);
            cairo_show_text(m_cr, shown.c_str());
        }
        take(line);
    }

private:
    cairo_t* m_cr;
    double m_y = kMargin;
};

} // namespace

core::Result<std::string> reportPdf(const analysis::StatisticsReport& report) {
    std::string bytes;
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(collect, &bytes, kPageW, kPageH);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "SecondLine statistics");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "SecondLine");
    cairo_t* cr = cairo_create(surface);
    Writer w(cr);
    const auto& o = report.options;
    w.paragraph("SecondLine statistics", 18, true);
    w.paragraph("From " + core::formatUtc(o.from) + " to " + core::formatUtc(o.to) +
                    (o.desk ? ", desk " + *o.desk : "") +
                    ". Records: " + (report.records ? std::to_string(*report.records) : std::string("suppressed")) +
                    ". Counts below " + std::to_string(o.minCell) + " are suppressed.",
                10);
    for (const auto& warning : report.warnings) w.paragraph("- " + warning, 9);

    for (const auto& c : report.counts) {
        std::vector<std::pair<std::string, std::optional<double>>> rows;
        const auto& t = c.table;
        for (std::size_t r = 0; r < t.rows.size(); ++r) {
            const auto& v = t.cells[r * t.columns.size()];
            rows.emplace_back(t.rows[r], v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt);
        }
        w.bars(c.title, rows, false);
    }
    for (const auto& q : report.quality) {
        std::vector<std::pair<std::string, std::optional<double>>> rows;
        for (const auto& r : q.rows) rows.emplace_back(r.group, r.checkDigitFailureRate);
        w.bars("Check-digit failures per " + q.by, rows, true);
        rows.clear();
        for (const auto& r : q.rows) rows.emplace_back(r.group, r.correctionRate);
        w.bars("Records corrected by hand per " + q.by, rows, true);
    }
    w.paragraph("Referral and refusal rates", 14, true);
    for (const auto& b : report.bias)
        for (bool refusal : {false, true}) {
            std::vector<std::pair<std::string, std::optional<double>>> rows;
            std::vector<std::pair<double, double>> ci;
            for (const auto& g : b.groups) {
                const auto& r = refusal ? g.refusal : g.referral;
                rows.emplace_back(g.group + (r && r->disparity ? " *" : ""),
                                  r ? std::optional<double>(r->rate) : std::nullopt);
                ci.emplace_back(r ? r->ci.low : 0.0, r ? r->ci.high : 0.0);
            }
            w.bars(std::string(refusal ? "Refusal" : "Referral") + " rate by " + b.by +
                       " (95% interval; * disparity against the rest)",
                   rows, true, &ci);
        }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    const auto status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS || bytes.empty())
        return core::fail(core::ErrorCode::Io, "the PDF cannot be produced");
    return bytes;
}

} // namespace secondline::app
