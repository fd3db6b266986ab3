using System.Globalization;
using System.Security;
using System.Text;

namespace Aionis.Jobs.Framework;

/// <summary>
/// What every chart the jobs render starts with and writes its labels through: a plain SVG 1.1 document on a white
/// background in one font stack, and escaped text with invariant-culture coordinates (a German locale would otherwise
/// write <c>x="12,5"</c>, which no viewer reads).
/// </summary>
public static class Svg
{
    /// <summary>A document of the given size, opened; the chart appends its shapes and then <see cref="End"/>.</summary>
    public static StringBuilder Begin(int width, int height)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n");
        return svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    }

    public static string End(StringBuilder svg) => svg.Append("</svg>\n").ToString();

    /// <summary>A label at (x, y); <paramref name="rotate"/> turns it to read bottom-up, as a y-axis title.</summary>
    public static void Text(StringBuilder svg, double x, double y, string text, int size = 12, string anchor = "start", string weight = "normal",
        string fill = "#111111", bool rotate = false)
    {
        var transform = rotate ? string.Create(CultureInfo.InvariantCulture, $" transform=\"rotate(-90 {x:0.#} {y:0.#})\"") : "";
        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{x:0.#}\" y=\"{y:0.#}\" font-size=\"{size}\" text-anchor=\"{anchor}\" font-weight=\"{weight}\" fill=\"{fill}\"{transform}>{SecurityElement.Escape(text)}</text>\n");
    }
}
