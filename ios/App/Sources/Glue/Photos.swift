// Android twin: android/app/src/main/java/org/gridkeeper/app/glue/Photos.kt
import PhotosUI
import SwiftUI
import UIKit

/// A photo from the camera or the library, handed on as JPEG bytes no larger than needed:
/// an older phone should not hold a 12-megapixel photo in memory, nor sync one over a weak
/// connection.
enum PhotoBytes {
    static let maxEdge: CGFloat = 1600

    static func jpeg(_ image: UIImage) -> Data? {
        let longest = max(image.size.width, image.size.height)
        let scale = longest > maxEdge ? maxEdge / longest : 1
        let size = CGSize(width: (image.size.width * scale).rounded(), height: (image.size.height * scale).rounded())
        let format = UIGraphicsImageRendererFormat.default()
        format.scale = 1
        // Drawing also applies the photo's orientation, so the JPEG is upright without EXIF.
        let resized = UIGraphicsImageRenderer(size: size, format: format).image { _ in
            image.draw(in: CGRect(origin: .zero, size: size))
        }
        return resized.jpegData(compressionQuality: 0.8)
    }
}

/// What `TakePhoto` shows: the camera or the library (through PhotosPicker, which needs no
/// photo-library permission), or cancel. `done` gets the JPEG bytes, nil when cancelled.
@MainActor
struct PhotoSheet: View {
    let done: (Data?) -> Void
    @State private var picked: PhotosPickerItem?
    @State private var showCamera = false

    init(done: @escaping (Data?) -> Void) {
        self.done = done
    }

    var body: some View {
        VStack(spacing: 16) {
            if UIImagePickerController.isSourceTypeAvailable(.camera) {
                Button(L("take_photo")) { showCamera = true }.buttonStyle(.borderedProminent)
            }
            PhotosPicker(selection: $picked, matching: .images) {
                Text(L("pick_photo"))
            }
            .buttonStyle(.bordered)
            Button(L("cancel"), role: .cancel) { done(nil) }
        }
        .padding()
        .presentationDetents([.medium])
        .fullScreenCover(isPresented: $showCamera) {
            CameraPicker { image in
                showCamera = false
                done(image.flatMap(PhotoBytes.jpeg))
            }
            .ignoresSafeArea()
        }
        .onChange(of: picked) { item in
            guard let item else { return }
            picked = nil
            Task {
                let data = try? await item.loadTransferable(type: Data.self)
                done(data.flatMap(UIImage.init(data:)).flatMap(PhotoBytes.jpeg))
            }
        }
    }
}

/// Files handed to the core in an effect's answer (a photo, a signature). The core copies
/// what it keeps into its own store, so each file is deleted once the answer is handled.
protocol AnswerFiles {
    func write(_ data: Data, suffix: String) throws -> URL
}

struct TemporaryAnswerFiles: AnswerFiles {
    func write(_ data: Data, suffix: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("answers", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(UUID().uuidString + suffix)
        // Complete file protection: a photo of a household is personal data.
        try data.write(to: url, options: [.atomic, .completeFileProtection])
        return url
    }
}

/// UIImagePickerController as the camera: SwiftUI has no camera view of its own.
@MainActor
struct CameraPicker: UIViewControllerRepresentable {
    let done: (UIImage?) -> Void

    func makeUIViewController(context: Context) -> UIImagePickerController {
        let picker = UIImagePickerController()
        picker.sourceType = .camera
        picker.delegate = context.coordinator
        return picker
    }

    func updateUIViewController(_ controller: UIImagePickerController, context: Context) {}

    func makeCoordinator() -> Coordinator { Coordinator(done: done) }

    final class Coordinator: NSObject, UIImagePickerControllerDelegate, UINavigationControllerDelegate {
        let done: (UIImage?) -> Void
        init(done: @escaping (UIImage?) -> Void) { self.done = done }

        func imagePickerController(_ picker: UIImagePickerController,
                                   didFinishPickingMediaWithInfo info: [UIImagePickerController.InfoKey: Any]) {
            done(info[.originalImage] as? UIImage)
        }

        func imagePickerControllerDidCancel(_ picker: UIImagePickerController) {
            done(nil)
        }
    }
}
