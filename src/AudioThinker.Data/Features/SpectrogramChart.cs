using ScottPlot;

namespace AudioThinker.Data.Features;

/// <summary>Draws log-mel features as a PNG heat map (time across, mel bins up), for looking at what a model is given.</summary>
public static class SpectrogramChart
{
    /// <summary>Writes <paramref name="features"/> (valid frames only) to <paramref name="path"/>; <paramref name="framesPerSecond"/> is the sample rate over the hop (100 for Whisper).</summary>
    public static void Save(LogMelFeatures features, string path, string title, double framesPerSecond = 100, int width = 900, int height = 360)
    {
        ArgumentNullException.ThrowIfNull(features);
        var frames = Math.Max(1, features.ValidFrames);
        // Heatmap rows run top to bottom: put the highest mel bin first so low pitches sit low.
        var grid = new double[features.MelBins, frames];
        for (var m = 0; m < features.MelBins; m++)
        {
            for (var t = 0; t < frames; t++)
            {
                grid[features.MelBins - 1 - m, t] = features[m, t];
            }
        }
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Extent = new CoordinateRect(0, frames / framesPerSecond, 0, features.MelBins);
        plot.Add.ColorBar(heatmap);
        plot.Title(title);
        plot.XLabel("time (s)");
        plot.YLabel("mel bin");
        plot.Axes.SetLimits(0, frames / framesPerSecond, 0, features.MelBins);
        plot.SavePng(path, width, height);
    }
}
