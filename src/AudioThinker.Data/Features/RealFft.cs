namespace AudioThinker.Data.Features;

/// <summary>
/// Power spectrum |X[k]|², k = 0..N/2, of a real frame of N points. For even N the frame is packed into an N/2-point
/// complex transform (even samples real, odd samples imaginary) and the two half spectra are separated afterwards,
/// which halves the work; odd N uses the full complex transform. One instance serves one thread at a time.
/// </summary>
public sealed class RealFft
{
    private readonly ComplexFft _fft;
    private readonly double[] _inRe;
    private readonly double[] _inIm;
    private readonly double[] _outRe;
    private readonly double[] _outIm;
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly bool _packed;

    /// <summary>Plans a transform of a real frame of <paramref name="length"/> points.</summary>
    public RealFft(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        Length = length;
        _packed = length % 2 == 0;
        var size = _packed ? length / 2 : length;
        _fft = new ComplexFft(size);
        _inRe = new double[size];
        _inIm = new double[size];
        _outRe = new double[size];
        _outIm = new double[size];
        var half = length / 2;
        _cos = new double[half + 1];
        _sin = new double[half + 1];
        for (var k = 0; k <= half; k++)
        {
            var angle = -2.0 * Math.PI * k / length;
            _cos[k] = Math.Cos(angle);
            _sin[k] = Math.Sin(angle);
        }
    }

    /// <summary>The frame length, N.</summary>
    public int Length { get; }

    /// <summary>Number of output bins, N/2 + 1.</summary>
    public int Bins => Length / 2 + 1;

    /// <summary>Writes |X[k]|² for k = 0..N/2 of the real <paramref name="frame"/> into <paramref name="power"/>.</summary>
    public void PowerSpectrum(ReadOnlySpan<double> frame, Span<double> power)
    {
        if (frame.Length < Length || power.Length < Bins)
        {
            throw new ArgumentException($"frame needs {Length} values and power {Bins}");
        }
        if (!_packed)
        {
            frame[..Length].CopyTo(_inRe);
            Array.Clear(_inIm);
            _fft.Forward(_inRe, _inIm, _outRe, _outIm);
            for (var k = 0; k < Bins; k++)
            {
                power[k] = _outRe[k] * _outRe[k] + _outIm[k] * _outIm[k];
            }
            return;
        }
        var m = Length / 2;
        for (var n = 0; n < m; n++)
        {
            _inRe[n] = frame[2 * n];
            _inIm[n] = frame[2 * n + 1];
        }
        _fft.Forward(_inRe, _inIm, _outRe, _outIm);
        for (var k = 0; k <= m; k++)
        {
            // Z[k] and conj(Z[M−k]) give the spectra of the even (E) and odd (O) samples; X[k] = E + w_N^k·O.
            var zr = _outRe[k % m];
            var zi = _outIm[k % m];
            var cr = _outRe[(m - k) % m];
            var ci = -_outIm[(m - k) % m];
            var er = 0.5 * (zr + cr);
            var ei = 0.5 * (zi + ci);
            // O = (Z − conj Z')/(2i) = −i·(Z − conj Z')/2
            var or = 0.5 * (zi - ci);
            var oi = -0.5 * (zr - cr);
            var xr = er + _cos[k] * or - _sin[k] * oi;
            var xi = ei + _cos[k] * oi + _sin[k] * or;
            power[k] = xr * xr + xi * xi;
        }
    }
}
