using System.Buffers.Binary;
using System.Numerics;

namespace AudioThinker.Data.Audio;

/// <summary>Reads big-endian bit fields from a byte array, MSB first, as FLAC frames are written.</summary>
internal sealed class FlacBitReader(byte[] data, int start)
{
    private long _bit = (long)start * 8;

    /// <summary>Current byte position (bits past a byte boundary round down).</summary>
    public int BytePosition => (int)(_bit >> 3);

    /// <summary>Bits left in the data.</summary>
    public long BitsLeft => (long)data.Length * 8 - _bit;

    /// <summary>Moves to a byte boundary (FLAC frame footers and frames are byte-aligned).</summary>
    public void AlignToByte() => _bit = (_bit + 7) & ~7L;

    /// <summary>Moves to an absolute byte position.</summary>
    public void Seek(int bytePosition) => _bit = (long)bytePosition * 8;

    /// <summary>Reads <paramref name="count"/> (0–32) bits as an unsigned value.</summary>
    public uint ReadBits(int count)
    {
        if (count == 0)
        {
            return 0;
        }
        if (count > BitsLeft)
        {
            throw new EndOfStreamException($"needed {count} bits at byte {BytePosition}, {BitsLeft} left");
        }
        var window = Peek64();
        var value = (uint)((window << (int)(_bit & 7)) >> (64 - count));
        _bit += count;
        return value;
    }

    /// <summary>Reads <paramref name="count"/> (1–32) bits as a two's-complement signed value.</summary>
    public int ReadSigned(int count)
    {
        if (count == 0)
        {
            return 0;
        }
        var raw = ReadBits(count);
        var shift = 32 - count;
        return (int)(raw << shift) >> shift;
    }

    /// <summary>Reads a 33-bit or narrower signed value into a long (a 32-bit side channel has 33 bits).</summary>
    public long ReadSignedLong(int count)
    {
        if (count <= 32)
        {
            return count == 32 ? (int)ReadBits(32) : ReadSigned(count);
        }
        var high = (long)ReadBits(count - 32);
        var low = ReadBits(32);
        var raw = (high << 32) | low;
        var shift = 64 - count;
        return (raw << shift) >> shift;
    }

    /// <summary>Counts zero bits up to and including the next one bit; returns the count of zeros.</summary>
    public int ReadUnary()
    {
        var zeros = 0;
        while (true)
        {
            if (BitsLeft <= 0)
            {
                throw new EndOfStreamException($"unary code runs past the end at byte {BytePosition}");
            }
            var offset = (int)(_bit & 7);
            var window = Peek64() << offset;
            var available = (int)Math.Min(64 - offset, BitsLeft);
            if (window != 0)
            {
                var lead = BitOperations.LeadingZeroCount(window);
                if (lead < available)
                {
                    _bit += lead + 1;
                    return zeros + lead;
                }
            }
            zeros += available;
            _bit += available;
        }
    }

    /// <summary>Reads a Rice-coded signed value with parameter <paramref name="parameter"/>.</summary>
    public int ReadRice(int parameter)
    {
        var quotient = (uint)ReadUnary();
        var value = (quotient << parameter) | ReadBits(parameter);
        // Zig-zag: 0, −1, 1, −2, … are coded as 0, 1, 2, 3, …
        return (int)(value >> 1) ^ -(int)(value & 1);
    }

    // The 8 bytes starting at the current byte, zero-filled past the end.
    private ulong Peek64()
    {
        var pos = (int)(_bit >> 3);
        if (pos + 8 <= data.Length)
        {
            return BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(pos, 8));
        }
        ulong v = 0;
        for (var i = 0; i < 8; i++)
        {
            v = (v << 8) | (pos + i < data.Length ? data[pos + i] : 0UL);
        }
        return v;
    }
}
