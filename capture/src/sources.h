#pragma once
// The kinds of source behind openSource() and listDevices(). Private to capture.

#include <secondline/capture/source.h>

namespace secondline::capture {

[[nodiscard]] core::Result<std::unique_ptr<Source>> openSaneSource(const std::string& deviceName,
                                                                   const SourceOptions& options);
[[nodiscard]] std::vector<DeviceInfo> listSaneDevices();

/// `target` is a camera index ("0"), a device path, or for recordings a file or image-sequence pattern.
[[nodiscard]] core::Result<std::unique_ptr<Source>> openCameraSource(const std::string& target, bool recording,
                                                                     const SourceOptions& options);
[[nodiscard]] std::vector<DeviceInfo> listCameras();

[[nodiscard]] core::Result<std::unique_ptr<Source>> openSerialSource(const std::string& path,
                                                                     const SourceOptions& options);
[[nodiscard]] std::vector<DeviceInfo> listSerialPorts();

} // namespace secondline::capture
