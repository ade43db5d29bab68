// Android twin: android/app/src/main/java/org/gridkeeper/app/glue/SignaturePad.kt
import SwiftUI
import UIKit

/// A party signs with a finger inside the box; 完成 hands the drawing on as PNG bytes (black
/// strokes on white, so it prints as signed).
@MainActor
struct SignaturePad: View {
    let onDone: (Data) -> Void
    let onCancel: () -> Void

    @State private var strokes: [[CGPoint]] = []
    @State private var current: [CGPoint] = []
    @State private var size: CGSize = .zero

    init(onDone: @escaping (Data) -> Void, onCancel: @escaping () -> Void) {
        self.onDone = onDone
        self.onCancel = onCancel
    }

    var body: some View {
        VStack(spacing: 12) {
            Text(L("signature_pad")).font(.headline)
            GeometryReader { geo in
                Canvas { context, _ in
                    for stroke in strokes + [current] {
                        context.stroke(Self.path(stroke), with: .color(.black),
                                       style: StrokeStyle(lineWidth: 3, lineCap: .round, lineJoin: .round))
                    }
                }
                .background(Color.white)
                .border(Color.gray)
                .gesture(
                    DragGesture(minimumDistance: 0)
                        .onChanged { current.append($0.location) }
                        .onEnded { _ in
                            strokes.append(current)
                            current = []
                        }
                )
                .onAppear { size = geo.size }
                .onChange(of: geo.size) { size = $0 }
            }
            .frame(height: 240)
            .accessibilityLabel(L("signature_pad"))
            HStack {
                Button(L("cancel"), action: onCancel)
                Spacer()
                Button(L("clear")) { strokes = []; current = [] }
                Spacer()
                Button(L("done")) {
                    if let png = Self.png(strokes, size) { onDone(png) }
                }
                .buttonStyle(.borderedProminent)
                .disabled(strokes.isEmpty)
            }
        }
        .padding()
    }

    private static func path(_ points: [CGPoint]) -> Path {
        var path = Path()
        guard let first = points.first else { return path }
        path.move(to: first)
        // A tap is a dot.
        if points.count == 1 { path.addLine(to: CGPoint(x: first.x + 0.5, y: first.y + 0.5)) }
        for p in points.dropFirst() { path.addLine(to: p) }
        return path
    }

    /// Drawn again with UIGraphicsImageRenderer at 2× for a crisp PNG of the box's size.
    private static func png(_ strokes: [[CGPoint]], _ size: CGSize) -> Data? {
        guard size.width > 0, size.height > 0 else { return nil }
        let format = UIGraphicsImageRendererFormat.default()
        format.scale = 2
        format.opaque = true
        let image = UIGraphicsImageRenderer(size: size, format: format).image { ctx in
            UIColor.white.setFill()
            ctx.fill(CGRect(origin: .zero, size: size))
            UIColor.black.setStroke()
            for stroke in strokes {
                let line = UIBezierPath(cgPath: path(stroke).cgPath)
                line.lineWidth = 3
                line.lineCapStyle = .round
                line.lineJoinStyle = .round
                line.stroke()
            }
        }
        return image.pngData()
    }
}
