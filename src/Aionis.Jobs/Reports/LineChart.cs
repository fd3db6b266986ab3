using Aionis.Jobs.Framework;
using static Aionis.Jobs.Framework.Svg;
using System.Globalization;
using System.Security;
using System.Text;

namespace Aionis.Jobs.Reports;

/// <summary>One line of a chart: a value per x position (null = no data, the line breaks there).</summary>
public sealed record ChartSeries(string Name, string Colour, IReadOnlyList<double?> Values, bool Dashed = false);

/// <summary>What a line chart shows: its titles, x labels (days), the y range and how y values are written.</summary>
public sealed record LineChartSpec(string Title, string Subtitle, IReadOnlyList<string> XLabels, string YLabel, double YMin, double YMax,
    double YStep, Func<double, string> YFormat, double? Reference = null, string? ReferenceLabel = null);

/// <summary>
/// A plain SVG 1.1 line chart of daily values with a labelled axis, a legend and an optional red reference line (a limit).
/// Colours from the Okabe–Ito colour-blind-safe set (<see cref="Colours"/>).
/// </summary>
public static class LineChart
{
    public static readonly string[] Colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];
    private const int Width = 760, Height = 380, Left = 64, Right = 190, Top = 64, Bottom = 56;
    private const int PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;

    public static string Render(LineChartSpec spec, IReadOnlyList<ChartSeries> series)
    {
        var svg = Svg.Begin(Width, Height);
        Text(svg, Left, 26, spec.Title, 16, weight: "bold");
        Text(svg, Left, 44, spec.Subtitle, 11, fill: "#555555");

        double Y(double value) => Top + PlotHeight - (Math.Clamp(value, spec.YMin, spec.YMax) - spec.YMin) / (spec.YMax - spec.YMin) * PlotHeight;
        var count = Math.Max(1, spec.XLabels.Count);
        double X(int i) => Left + (count == 1 ? PlotWidth / 2.0 : PlotWidth * i / (double)(count - 1));

        for (var tick = spec.YMin; tick <= spec.YMax + 1e-9; tick += spec.YStep)
        {
            var y = Y(tick);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Left + PlotWidth}\" y2=\"{y:0.#}\" stroke=\"{(Math.Abs(tick) < 1e-9 ? "#333333" : "#e5e5e5")}\"/>\n");
            Text(svg, Left - 8, y + 4, spec.YFormat(tick), 11, anchor: "end", fill: "#333333");
        }
        Text(svg, 16, Top + PlotHeight / 2.0, spec.YLabel, 11, anchor: "middle", fill: "#333333", rotate: true);

        // At most about 10 x labels, always the first and the last.
        var every = Math.Max(1, (int)Math.Ceiling(count / 10.0));
        for (var i = 0; i < spec.XLabels.Count; i++)
        {
            var last = spec.XLabels.Count - 1;
            if (i != last && (i % every != 0 || last - i < every)) continue;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(i):0.#}\" y1=\"{Top + PlotHeight}\" x2=\"{X(i):0.#}\" y2=\"{Top + PlotHeight + 4}\" stroke=\"#333333\"/>\n");
            Text(svg, X(i), Top + PlotHeight + 18, spec.XLabels[i], 11, anchor: "middle");
        }

        if (spec.Reference is { } reference)
        {
            var y = Y(reference);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Left + PlotWidth}\" y2=\"{y:0.#}\" stroke=\"#CC0000\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n");
            Text(svg, Left + PlotWidth - 4, y - 5, spec.ReferenceLabel ?? "", 11, anchor: "end", fill: "#CC0000");
        }

        foreach (var s in series)
        {
            var path = new StringBuilder();
            var pen = false;
            for (var i = 0; i < s.Values.Count; i++)
            {
                if (s.Values[i] is not { } v) { pen = false; continue; }
                path.Append(CultureInfo.InvariantCulture, $"{(pen ? 'L' : 'M')}{X(i):0.#},{Y(v):0.#} ");
                pen = true;
            }
            var dash = s.Dashed ? " stroke-dasharray=\"4 4\"" : "";
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{s.Colour}\" stroke-width=\"{(s.Dashed ? 1.5 : 2.5)}\"{dash}/>\n");
            if (!s.Dashed)
            {
                for (var i = 0; i < s.Values.Count; i++)
                {
                    if (s.Values[i] is { } v)
                        svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(i):0.#}\" cy=\"{Y(v):0.#}\" r=\"2.5\" fill=\"{s.Colour}\"><title>{SecurityElement.Escape(s.Name)} {SecurityElement.Escape(spec.XLabels[i])}: {SecurityElement.Escape(spec.YFormat(v))}</title></circle>\n");
                }
            }
        }

        var legendX = Left + PlotWidth + 20;
        for (var i = 0; i < series.Count; i++)
        {
            var y = Top + 8 + i * 20;
            var dash = series[i].Dashed ? " stroke-dasharray=\"4 4\"" : "";
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{legendX}\" y1=\"{y}\" x2=\"{legendX + 18}\" y2=\"{y}\" stroke=\"{series[i].Colour}\" stroke-width=\"2.5\"{dash}/>\n");
            Text(svg, legendX + 24, y + 4, series[i].Name, 11);
        }
        if (series.All(s => s.Values.All(v => v is null)))
            Text(svg, Left + PlotWidth / 2.0, Top + PlotHeight / 2.0, "No data in this window", 14, anchor: "middle", fill: "#555555");
        return Svg.End(svg);
    }
}
