// Android twin: android/app/src/main/java/org/gridkeeper/app/ui/Photos.kt (ThumbnailBitmaps.kt
// for the decoding)
import Gridkeeper
import GridkeeperShared
import ImageIO
import SwiftUI

/// A record's photos: each a thumbnail when the phone holds it, else a placeholder.
struct PhotoRow: View {
    let store: GridStore
    let thumbs: [PhotoThumb]

    var body: some View {
        LazyVGrid(columns: [GridItem(.adaptive(minimum: 72), spacing: 6)], alignment: .leading, spacing: 6) {
            ForEach(Array(thumbs.enumerated()), id: \.offset) { _, thumb in
                PhotoThumbView(store: store, thumb: thumb)
            }
        }
    }
}

private struct PhotoThumbView: View {
    let store: GridStore
    let thumb: PhotoThumb
    @State private var image: CGImage?
    @Environment(\.displayScale) private var scale

    var body: some View {
        ZStack {
            Rectangle().fill(Color.secondary.opacity(0.15))
            if let image {
                Image(decorative: image, scale: scale).resizable().scaledToFill()
            } else if !thumb.onPhone {
                Text(L("photo_not_here")).font(.caption2).foregroundStyle(.secondary)
            }
        }
        .frame(width: 72, height: 72)
        .clipped()
        .accessibilityLabel(thumb.onPhone ? L("photo") : L("photo_not_here"))
        .task(id: "\(thumb.hash)\(thumb.onPhone)") {
            guard thumb.onPhone else { image = nil; return }
            let edge = Int(72 * scale)
            let store = store, hash = thumb.hash
            image = await Task.detached(priority: .utility) { thumbnail(store: store, hash: hash, maxEdge: edge) }.value
        }
    }
}

/// Decoded at the thumbnail's size by ImageIO (the whole image is never in memory), from the
/// attachment's file in the cache.
private func thumbnail(store: GridStore, hash: String, maxEdge: Int) -> CGImage? {
    guard let path = try? store.attachmentPath(hash: hash),
          let source = CGImageSourceCreateWithURL(URL(fileURLWithPath: path) as CFURL, nil) else { return nil }
    let options: [CFString: Any] = [
        kCGImageSourceCreateThumbnailFromImageAlways: true,
        kCGImageSourceCreateThumbnailWithTransform: true,
        kCGImageSourceThumbnailMaxPixelSize: maxEdge,
        kCGImageSourceShouldCacheImmediately: true,
    ]
    return CGImageSourceCreateThumbnailAtIndex(source, 0, options as CFDictionary)
}

/// Photos another phone took and this one lacks: how many, why the last fetch failed, and 取回照片.
struct PhotoFetchLine: View {
    let fetch: PhotoFetchView
    let onFetch: () -> Void

    var body: some View {
        if let missing = fetch.missingText { Text(missing).font(.footnote) }
        if let error = fetch.error { Text(error).foregroundStyle(.red) }
        if fetch.fetching { ProgressView() }
        if let label = fetch.fetchLabel { Button(label, action: onFetch).buttonStyle(.bordered) }
    }
}
