using System.Numerics;

namespace SocialInvestment.Engine;

/// <summary>
/// An exact sum of doubles: every double is an integer multiple of 2^−1074, so the sum is kept as
/// a big integer in those units. Addition is exact, hence associative and commutative: partial
/// results merge to the same bits in any order. Used only outside the cycle loop (once per block).
/// </summary>
internal sealed class ExactSum
{
    private const int Scale = 1074;

    public BigInteger Units { get; private set; }

    public static ExactSum FromUnits(BigInteger units) => new() { Units = units };

    public void Add(double x)
    {
        if (x == 0)
        {
            return;
        }

        if (!double.IsFinite(x))
        {
            throw new ArithmeticException("A simulated value is not finite.");
        }

        var bits = BitConverter.DoubleToInt64Bits(x);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
        {
            exponent = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }

        // x = mantissa · 2^(exponent − 1075) = mantissa · 2^(exponent − 1) · 2^−1074.
        var v = new BigInteger(mantissa) << (exponent - 1);
        Units += x < 0 ? -v : v;
    }

    public void Add(ExactSum other) => Units += other.Units;

    public ExactSum Clone() => new() { Units = Units };

    public double ToDouble() => ToDouble(Units, Scale);

    /// <summary>Converts <c>units·2^−scale</c> to the nearest-below double (deterministic).</summary>
    public static double ToDouble(BigInteger units, int scale)
    {
        if (units.IsZero)
        {
            return 0;
        }

        var negative = units.Sign < 0;
        var magnitude = BigInteger.Abs(units);
        var length = (int)magnitude.GetBitLength();
        var shift = Math.Max(0, length - 63);
        var top = (double)(long)(magnitude >> shift);
        var value = Math.ScaleB(top, shift - scale);
        return negative ? -value : value;
    }

    /// <summary>
    /// The unbiased sample variance from exact sums of x and x² over n values:
    /// <c>(n·Σx² − (Σx)²) / (n(n − 1))</c>, evaluated exactly before the final rounding.
    /// </summary>
    public static double Variance(long n, ExactSum sum, ExactSum sumSquares)
    {
        if (n < 2)
        {
            return double.NaN;
        }

        var numerator = (new BigInteger(n) * sumSquares.Units << Scale) - (sum.Units * sum.Units);
        var v = ToDouble(numerator, 2 * Scale) / ((double)n * (n - 1));
        return Math.Max(0, v);
    }
}
