using Aionis.Jobs.Framework;
using static Aionis.Jobs.Framework.Svg;
using System.Globalization;
using System.Text;

namespace Aionis.Jobs.Telemetry;

/// <summary>
/// timeseries.svg: two stacked panels over the same UTC hour axis, requests per hour and p95 latency per hour, one line
/// per endpoint, with labelled axes and a legend. Plain SVG 1.1, no scripts or external fonts.
/// </summary>
public static class TimeseriesChart
{
    private const int Width = 1040, Height = 670;
    private const int Left = 80, Right = 200, Top = 90, PanelHeight = 220, PanelGap = 70;
    private const int PlotWidth = Width - Left - Right;
    private static readonly string[] Palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"];
    private static readonly int[] HourSteps = [1, 2, 3, 6, 12, 24, 48, 72, 168];

    public static string Render(IReadOnlyList<TimeseriesRow> series, string tenantId, DateTimeOffset generatedAt)
    {
        var svg = Svg.Begin(Width, Height);
        Text(svg, Left, 28, $"Tenant {tenantId}: requests and p95 latency per hour (UTC)", size: 16, weight: "bold");
        Text(svg, Left, 46, $"generated {generatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC", size: 11, fill: "#555555");

        if (series.Count == 0)
        {
            Text(svg, Width / 2, Height / 2, "No telemetry in this window", size: 16, anchor: "middle", fill: "#555555");
            return Svg.End(svg);
        }

        var endpoints = series.Select(r => r.Endpoint).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var first = series.Min(r => r.BucketUtc);
        var last = series.Max(r => r.BucketUtc);
        if (last == first) last = first.AddHours(1);
        var axis = new TimeAxis(first, last);

        var requestsTop = Top;
        var latencyTop = Top + PanelHeight + PanelGap;
        Panel(svg, series, endpoints, axis, requestsTop, "Requests per hour", r => r.Total);
        Panel(svg, series, endpoints, axis, latencyTop, "p95 latency (ms)", r => r.LatencyP95Ms);
        Text(svg, Left + PlotWidth / 2, latencyTop + PanelHeight + 50, "hour (UTC)", anchor: "middle", fill: "#333333");

        var legendX = Left + PlotWidth + 24;
        Text(svg, legendX, Top + 4, "endpoint", weight: "bold");
        for (var i = 0; i < endpoints.Count; i++)
        {
            var y = Top + 24 + i * 22;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{legendX}\" y1=\"{y - 4}\" x2=\"{legendX + 24}\" y2=\"{y - 4}\" stroke=\"{Color(i)}\" stroke-width=\"3\"/>\n");
            Text(svg, legendX + 32, y, endpoints[i]);
        }
        return Svg.End(svg);
    }

    private static void Panel(StringBuilder svg, IReadOnlyList<TimeseriesRow> series, List<string> endpoints, TimeAxis axis, int top,
        string title, Func<TimeseriesRow, double> value)
    {
        var bottom = top + PanelHeight;
        var yMax = NiceCeiling(series.Max(value));
        var yStep = yMax / 5;
        double Y(double v) => bottom - v / yMax * PanelHeight;

        Text(svg, Left, top - 10, title, size: 13, weight: "bold");
        for (var i = 0; i <= 5; i++)
        {
            var v = yStep * i;
            var y = Y(v);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Left + PlotWidth}\" y2=\"{y:0.#}\" stroke=\"#e3e3e3\"/>\n");
            Text(svg, Left - 8, y + 4, FormatNumber(v), anchor: "end", fill: "#333333");
        }
        foreach (var tick in axis.Ticks())
        {
            var x = axis.X(tick);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" y1=\"{top}\" x2=\"{x:0.#}\" y2=\"{bottom + 5}\" stroke=\"#f0f0f0\"/>\n");
            Text(svg, x, bottom + 20, tick.UtcDateTime.ToString(axis.LabelFormat, CultureInfo.InvariantCulture), anchor: "middle", fill: "#333333");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{top}\" width=\"{PlotWidth}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#888888\"/>\n");

        for (var i = 0; i < endpoints.Count; i++)
        {
            var points = series.Where(r => r.Endpoint == endpoints[i]).OrderBy(r => r.BucketUtc)
                .Select(r => string.Create(CultureInfo.InvariantCulture, $"{axis.X(r.BucketUtc):0.#},{Y(value(r)):0.#}"))
                .ToList();
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{Color(i)}\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"{string.Join(' ', points)}\"/>\n");
            if (points.Count == 1)
            {
                var xy = points[0].Split(',');
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{xy[0]}\" cy=\"{xy[1]}\" r=\"3\" fill=\"{Color(i)}\"/>\n");
            }
        }
    }

    /// <summary>The hour axis: positions, and ticks on whole multiples of a step that gives at most about eight labels.</summary>
    private sealed class TimeAxis(DateTimeOffset first, DateTimeOffset last)
    {
        private readonly int _stepHours = HourSteps.FirstOrDefault(s => (last - first).TotalHours / s <= 8, HourSteps[^1]);

        public string LabelFormat => _stepHours >= 24 ? "MM-dd" : "MM-dd HH:mm";

        public double X(DateTimeOffset t) => Left + (t - first).TotalHours / (last - first).TotalHours * PlotWidth;

        public IEnumerable<DateTimeOffset> Ticks()
        {
            var start = new DateTimeOffset(first.UtcDateTime.Date, TimeSpan.Zero);
            for (var t = start; t <= last; t = t.AddHours(_stepHours))
            {
                if (t >= first) yield return t;
            }
        }
    }

    /// <summary>The smallest 1, 2 or 5 × 10^n that is at least <paramref name="max"/> and divisible into five steps.</summary>
    private static double NiceCeiling(double max)
    {
        if (max <= 0) return 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max / 5)));
        foreach (var factor in new[] { 1.0, 2.0, 2.5, 5.0, 10.0 })
        {
            if (factor * magnitude * 5 >= max) return factor * magnitude * 5;
        }
        return 50 * magnitude;
    }

    private static string FormatNumber(double v) => v >= 10000
        ? (v / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Color(int index) => Palette[index % Palette.Length];

}
