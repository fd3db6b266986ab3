using Aionis.Jobs.Framework;
using static Aionis.Jobs.Framework.Svg;
using System.Globalization;
using System.Text;

namespace Aionis.Jobs.Incidents;

/// <summary>
/// The digest's chart: incidents opened per day of the week, stacked by severity (P0 at the bottom), with the day's
/// total above each bar, a labelled axis and a legend. Plain SVG 1.1; colours from the Okabe–Ito colour-blind-safe set.
/// </summary>
public static class DigestChart
{
    private const int Width = 720, Height = 360, Left = 56, Right = 130, Top = 64, Bottom = 56;
    private const int PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;
    private static readonly (string Severity, string Colour)[] Severities = [("P0", "#D55E00"), ("P1", "#E69F00"), ("P2", "#0072B2"), ("P3", "#999999")];

    public static string Render(WeeklyDigest digest)
    {
        var svg = Svg.Begin(Width, Height);
        Text(svg, Left, 26, $"Incidents opened per day by severity, {digest.Week}", 16, weight: "bold");
        Text(svg, Left, 44, $"{digest.Totals.Opened} opened, {digest.Totals.Resolved} resolved, {digest.Totals.StillOpen} still open at week end (UTC days)", 11, fill: "#555555");

        var max = Math.Max(1, digest.Daily.Max(d => d.Total));
        var step = NiceStep(max);
        var top = (long)Math.Ceiling(max / (double)step) * step;
        double Y(double value) => Top + PlotHeight - value / top * PlotHeight;

        for (long tick = 0; tick <= top; tick += step)
        {
            var y = Y(tick);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Left + PlotWidth}\" y2=\"{y:0.#}\" stroke=\"{(tick == 0 ? "#333333" : "#e5e5e5")}\"/>\n");
            Text(svg, Left - 8, y + 4, tick.ToString(CultureInfo.InvariantCulture), 11, anchor: "end", fill: "#333333");
        }
        Text(svg, 16, Top + PlotHeight / 2.0, "incidents", 11, anchor: "middle", fill: "#333333", rotate: true);

        var slot = PlotWidth / 7.0;
        var barWidth = slot * 0.6;
        for (var i = 0; i < digest.Daily.Count; i++)
        {
            var day = digest.Daily[i];
            var x = Left + slot * i + (slot - barWidth) / 2;
            double stacked = 0;
            foreach (var (severity, colour) in Severities)
            {
                var count = severity switch { "P0" => day.P0, "P1" => day.P1, "P2" => day.P2, _ => day.P3 };
                if (count == 0) continue;
                var y = Y(stacked + count);
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{barWidth:0.#}\" height=\"{Y(stacked) - y:0.#}\" fill=\"{colour}\"><title>{day.Day:yyyy-MM-dd} {severity}: {count}</title></rect>\n");
                stacked += count;
            }
            Text(svg, x + barWidth / 2, Y(day.Total) - 6, day.Total.ToString(CultureInfo.InvariantCulture), 11, anchor: "middle",
                weight: day.Total > 0 ? "bold" : "normal", fill: day.Total > 0 ? "#111111" : "#999999");
            var label = day.Day.ToDateTime(TimeOnly.MinValue);
            Text(svg, x + barWidth / 2, Top + PlotHeight + 18, label.ToString("ddd", CultureInfo.InvariantCulture), 12, anchor: "middle");
            Text(svg, x + barWidth / 2, Top + PlotHeight + 34, label.ToString("d MMM", CultureInfo.InvariantCulture), 11, anchor: "middle", fill: "#555555");
        }

        var legendX = Left + PlotWidth + 24;
        Text(svg, legendX, Top + 4, "severity (opened)", 11, weight: "bold");
        for (var i = 0; i < Severities.Length; i++)
        {
            var (severity, colour) = Severities[i];
            var y = Top + 16 + i * 22;
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{legendX}\" y=\"{y}\" width=\"14\" height=\"14\" fill=\"{colour}\"/>\n");
            var opened = digest.BySeverity.FirstOrDefault(c => c.Key == severity)?.Opened ?? 0;
            Text(svg, legendX + 20, y + 11, $"{severity} ({opened})", 12);
        }
        if (digest.Totals.Opened == 0)
        {
            Text(svg, Left + PlotWidth / 2.0, Top + PlotHeight / 2.0, "No incident opened this week", 14, anchor: "middle", fill: "#555555");
        }
        return Svg.End(svg);
    }

    private static long NiceStep(long max) => max switch { <= 5 => 1, <= 10 => 2, <= 25 => 5, <= 50 => 10, <= 100 => 20, _ => (long)Math.Pow(10, Math.Floor(Math.Log10(max))) };
}
