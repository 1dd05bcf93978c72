#pragma once
// Several camera frames beat one. Each frame is scored (sharpness, glare, size of the zone) and read; the
// readings are combined character by character, each vote weighted by the character's confidence and the
// frame's quality, until the combined MRZ passes every check and every character is backed by enough
// frames. A frame read wrongly in one place is outvoted by the frames that read that place well.
//
//   FrameVoter voter(reader, {.inspectionDate = today});
//   while (!voter.done() && camera.next(frame)) voter.add(frame);
//   MrzReading r = voter.result();
//
// Not thread-safe; the reader must outlive the voter.

#include <secondline/capture/mrz_reader.h>

#include <map>
#include <vector>

namespace secondline::capture {

/// How usable a frame is, measured on the frame itself.
struct FrameQuality {
    double sharpness = 0.0; ///< 0..1: steepness of the text edges against their contrast (1: crisp)
    double glare = 0.0;     ///< 0..1: share of the zone (or of the frame, when no zone) burnt out to white
    int zoneHeight = 0;     ///< height in pixels of the zone read (0: none)
    double weight = 0.0;    ///< the weight this frame's votes get (0 when nothing was read)
};

struct VoteSettings {
    int agreeingFrames = 2; ///< every character must be read the same in at least this many frames
    double minShare = 0.6;  ///< and win at least this share of its position's weighted votes
    int maxFrames = 30;     ///< stop after this many frames, done or not
};

class FrameVoter {
public:
    FrameVoter(MrzReader& reader, ReadOptions options, VoteSettings settings = {});

    struct Step {
        FrameQuality quality;
        bool read = false; ///< this frame gave a reading that joined the vote
        bool done = false; ///< the vote is complete (see done())
    };
    /// Scores and reads one frame and adds its reading to the vote.
    Step add(const Image& frame);

    /// The combined reading passes every check with enough agreement, or maxFrames were used.
    [[nodiscard]] bool done() const noexcept;
    /// The combined reading passes every check and every character has the agreement asked for.
    [[nodiscard]] bool settled() const;
    [[nodiscard]] int frames() const noexcept { return m_frames; }
    /// The combined reading so far: found when the voted lines parse (checks may still fail, as with a single
    /// read); not found, with the last frame's reason, while no frame has been read.
    [[nodiscard]] MrzReading result() const;

private:
    struct Tally {
        std::vector<std::vector<std::map<char, double>>> weight; ///< [line][position] -> character -> weight
        std::vector<std::vector<std::map<char, int>>> count;     ///< [line][position] -> character -> frames
        double total = 0.0;
        MrzReading last; ///< the latest frame's reading of this shape (rotation, zone)
    };
    [[nodiscard]] const Tally* leading() const;
    [[nodiscard]] std::vector<std::string> voted(const Tally& t) const;
    [[nodiscard]] bool agreed(const Tally& t) const;

    MrzReader* m_reader;
    ReadOptions m_options;
    VoteSettings m_settings;
    std::map<std::vector<std::size_t>, Tally> m_tallies; ///< keyed by the line lengths (the MRZ shape)
    MrzReading m_lastMiss;
    int m_frames = 0;
    bool m_done = false;
};

/// Scores a frame without reading it; `zone` is where its MRZ is (an empty box: judge the whole frame).
[[nodiscard]] FrameQuality frameQuality(const Image& frame, const Box& zone);

} // namespace secondline::capture
