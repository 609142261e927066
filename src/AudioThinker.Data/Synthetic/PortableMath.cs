namespace AudioThinker.Data.Synthetic;

/// <summary>
/// Sine and cosine from additions and multiplications only (range reduction, then a Taylor polynomial), so the
/// synthesised audio is bit-identical on every platform; <see cref="Math.Sin"/> calls the C runtime, which may differ
/// in the last bit between systems. Accurate to about 1e-15 — far below 16-bit quantisation.
/// </summary>
public static class PortableMath
{
    private const double TwoPi = 2 * Math.PI;

    /// <summary>sin(x).</summary>
    public static double Sin(double x)
    {
        // Reduce to [−π, π]; Math.Floor is exact.
        var r = x - TwoPi * Math.Floor(x / TwoPi + 0.5);
        // Fold to [−π/2, π/2] where the series converges fast: sin(π − r) = sin(r).
        if (r > Math.PI / 2)
        {
            r = Math.PI - r;
        }
        else if (r < -Math.PI / 2)
        {
            r = -Math.PI - r;
        }
        // Horner form of r·Σ (−r²)^k / (2k+1)!, k = 0..11.
        var r2 = r * r;
        var sum = Coefficients[^1];
        for (var k = Coefficients.Length - 2; k >= 0; k--)
        {
            sum = sum * r2 + Coefficients[k];
        }
        return r * sum;
    }

    // (−1)^k / (2k+1)! computed once by exact-order multiplications.
    private static readonly double[] Coefficients = BuildCoefficients();

    private static double[] BuildCoefficients()
    {
        var c = new double[12];
        double term = 1;
        for (var k = 0; k < c.Length; k++)
        {
            c[k] = term;
            term *= -1.0 / ((2 * k + 2) * (2 * k + 3));
        }
        return c;
    }

    /// <summary>cos(x) = sin(x + π/2).</summary>
    public static double Cos(double x) => Sin(x + Math.PI / 2);
}
