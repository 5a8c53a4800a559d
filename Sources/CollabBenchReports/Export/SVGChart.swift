import CollabBenchCore
import Foundation

/// Small charts drawn as inline SVG, with every label escaped.
enum SVGChart {
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]

    /// The task metric (y) against #Tok (x), one point per agent with its intervals on both axes.
    static func scatter(_ board: LeaderboardBoard) -> String {
        let points = board.rows.enumerated().compactMap { i, row -> (Int, LeaderboardRow, Double, Double)? in
            guard let x = row.tokensK, let y = row.taskMetric else { return nil }
            return (i, row, x, y)
        }
        let title = "\(Metric.named(board.metric).label) against #Tok (k)"
        guard !points.isEmpty else { return empty(title) }
        let xs = points.flatMap { p in [p.2, p.1.tokensKCI?.lower ?? p.2, p.1.tokensKCI?.upper ?? p.2] }
        let ys = points.flatMap { p in [p.3, p.1.taskMetricCI?.lower ?? p.3, p.1.taskMetricCI?.upper ?? p.3] }
        let xAxis = Axis(min: min(0, xs.min() ?? 0), max: xs.max() ?? 1)
        let yAxis = Axis(min: min(0, ys.min() ?? 0), max: ys.max() ?? 100)
        let frame = Frame(width: 560, height: 360)
        var svg = frame.open(title: title)
        svg += frame.axes(x: xAxis, y: yAxis, xLabel: "#Tok (k), lower is better", yLabel: "\(Metric.named(board.metric).label) ×100, higher is better")
        for (i, row, x, y) in points {
            let color = palette[i % palette.count]
            let px = frame.x(x, xAxis)
            let py = frame.y(y, yAxis)
            if let ci = row.tokensKCI {
                svg += line(frame.x(ci.lower, xAxis), py, frame.x(ci.upper, xAxis), py, color)
            }
            if let ci = row.taskMetricCI {
                svg += line(px, frame.y(ci.lower, yAxis), px, frame.y(ci.upper, yAxis), color)
            }
            svg += "<circle cx=\"\(f(px))\" cy=\"\(f(py))\" r=\"5\" fill=\"\(color)\"><title>\(HTMLText.escape(row.agent)): \(Exporter.fixed(y, 1)) at \(Exporter.fixed(x, 2))k tokens</title></circle>\n"
            // Labels of points in the right part of the plot go to their left, so they stay inside.
            let leftward = px > frame.width * 0.6
            svg += "<text x=\"\(f(leftward ? px - 8 : px + 8))\" y=\"\(f(py - 8))\" font-size=\"11\" fill=\"\(color)\"\(leftward ? " text-anchor=\"end\"" : "")>\(HTMLText.escape(short(row.agent)))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// ITR per agent: one row per agent, a dot at the mean and a bar for its interval.
    static func interactivity(_ board: LeaderboardBoard) -> String {
        let rows = board.rows.enumerated().compactMap { i, row -> (Int, LeaderboardRow, Double)? in
            row.interactivity.map { (i, row, $0) }
        }
        let title = "ITR per agent"
        guard !rows.isEmpty else { return empty(title) }
        let values = rows.flatMap { r in [r.2, r.1.interactivityCI?.lower ?? r.2, r.1.interactivityCI?.upper ?? r.2] }
        let axis = Axis(min: min(0, values.min() ?? 0), max: max(values.max() ?? 100, 100))
        let rowHeight = 28.0
        let labelWidth = 190.0
        let width = 560.0
        let height = 70 + rowHeight * Double(rows.count)
        let plotLeft = labelWidth
        let plotRight = width - 20
        func x(_ v: Double) -> Double { plotLeft + (v - axis.lower) / (axis.upper - axis.lower) * (plotRight - plotLeft) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(title)\">\n"
        svg += "<text x=\"10\" y=\"18\" font-size=\"13\" font-weight=\"600\">\(title)</text>\n"
        let bottom = 30 + rowHeight * Double(rows.count)
        for tick in axis.ticks {
            let tx = x(tick)
            svg += line(tx, 30, tx, bottom, tick == 0 ? "#999" : "#eee")
            svg += "<text x=\"\(f(tx))\" y=\"\(f(bottom + 14))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#555\">\(axis.label(tick))</text>\n"
        }
        svg += "<text x=\"\(f((plotLeft + plotRight) / 2))\" y=\"\(f(bottom + 32))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">ITR ×100 (+100 best, −300 worst)</text>\n"
        for (position, (i, row, value)) in rows.enumerated() {
            let color = palette[i % palette.count]
            let y = 30 + rowHeight * (Double(position) + 0.5)
            svg += "<text x=\"\(f(labelWidth - 8))\" y=\"\(f(y + 4))\" font-size=\"11\" text-anchor=\"end\">\(HTMLText.escape(short(row.agent)))</text>\n"
            if let ci = row.interactivityCI {
                svg += "<line x1=\"\(f(x(ci.lower)))\" y1=\"\(f(y))\" x2=\"\(f(x(ci.upper)))\" y2=\"\(f(y))\" stroke=\"\(color)\" stroke-width=\"4\" stroke-opacity=\"0.45\"/>\n"
            }
            svg += "<circle cx=\"\(f(x(value)))\" cy=\"\(f(y))\" r=\"5\" fill=\"\(color)\"><title>\(HTMLText.escape(row.agent)): ITR \(Exporter.fixed(value, 1))</title></circle>\n"
        }
        return svg + "</svg>\n"
    }

    static func empty(_ title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"560\" height=\"60\" role=\"img\" aria-label=\"\(title)\"><text x=\"10\" y=\"18\" font-size=\"13\" font-weight=\"600\">\(title)</text><text x=\"10\" y=\"42\" font-size=\"11\" fill=\"#666\">no scored values</text></svg>\n"
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ color: String) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(color)\" stroke-width=\"1.5\"/>\n"
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    static func short(_ text: String) -> String {
        text.count <= 32 ? text : String(text.prefix(31)) + "…"
    }

    /// An axis over a range, extended to round ticks (steps of 1, 2 or 5 × 10^k).
    struct Axis {
        var lower: Double
        var upper: Double
        var step: Double

        init(min: Double, max: Double) {
            var lo = min
            var hi = max
            if !(hi > lo) { hi = lo + 1 }
            let raw = (hi - lo) / 5
            let magnitude = pow(10, (log10(raw)).rounded(.down))
            let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
            lo = (lo / step).rounded(.down) * step
            hi = (hi / step).rounded(.up) * step
            lower = lo
            upper = hi
            self.step = step
        }

        var ticks: [Double] {
            var t: [Double] = []
            var v = lower
            while v <= upper + step / 2 && t.count < 20 {
                t.append(abs(v) < step / 1e6 ? 0 : v)
                v += step
            }
            return t
        }

        func label(_ v: Double) -> String {
            step >= 1 ? String(format: "%.0f", v) : step >= 0.1 ? String(format: "%.1f", v) : String(format: "%.2f", v)
        }
    }

    /// A plot area with margins for axis labels.
    struct Frame {
        var width: Double
        var height: Double
        let left = 60.0
        let right = 20.0
        let top = 30.0
        let bottom = 50.0

        func x(_ v: Double, _ axis: Axis) -> Double { left + (v - axis.lower) / (axis.upper - axis.lower) * (width - left - right) }
        func y(_ v: Double, _ axis: Axis) -> Double { height - bottom - (v - axis.lower) / (axis.upper - axis.lower) * (height - top - bottom) }

        func open(title: String) -> String {
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">\n<text x=\"10\" y=\"18\" font-size=\"13\" font-weight=\"600\">\(HTMLText.escape(title))</text>\n"
        }

        func axes(x xAxis: Axis, y yAxis: Axis, xLabel: String, yLabel: String) -> String {
            var s = ""
            for tick in xAxis.ticks {
                let px = x(tick, xAxis)
                s += SVGChart.line(px, top, px, height - bottom, "#eee")
                s += "<text x=\"\(SVGChart.f(px))\" y=\"\(SVGChart.f(height - bottom + 14))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#555\">\(xAxis.label(tick))</text>\n"
            }
            for tick in yAxis.ticks {
                let py = y(tick, yAxis)
                s += SVGChart.line(left, py, width - right, py, "#eee")
                s += "<text x=\"\(SVGChart.f(left - 6))\" y=\"\(SVGChart.f(py + 3))\" font-size=\"10\" text-anchor=\"end\" fill=\"#555\">\(yAxis.label(tick))</text>\n"
            }
            s += SVGChart.line(left, height - bottom, width - right, height - bottom, "#333")
            s += SVGChart.line(left, top, left, height - bottom, "#333")
            s += "<text x=\"\(SVGChart.f((left + width - right) / 2))\" y=\"\(SVGChart.f(height - 12))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">\(HTMLText.escape(xLabel))</text>\n"
            s += "<text transform=\"translate(14 \(SVGChart.f((top + height - bottom) / 2))) rotate(-90)\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">\(HTMLText.escape(yLabel))</text>\n"
            return s
        }
    }
}
