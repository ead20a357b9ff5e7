namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// Encodes one integer as the constant polynomial m(x) = v mod t (SEAL 3.x's integer encoder at base t):
/// sums and products of such plaintexts and ciphertexts act on the integer mod t. Works with any t. Thread-safe.
/// </summary>
internal sealed class IntegerEncoder
{
    private readonly BfvParameters _parameters;

    /// <summary>An encoder under <paramref name="parameters"/>.</summary>
    public IntegerEncoder(BfvParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
    }

    /// <summary>v as a constant plaintext; v in (-t/2, t/2].</summary>
    /// <exception cref="ArgumentOutOfRangeException">v does not fit.</exception>
    public Plaintext Encode(long value)
    {
        var t = _parameters.PlainModulus.Value;
        if (value > (long)(t / 2) || value <= -(long)((t + 1) / 2))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"The integer encoder takes values in (-t/2, t/2] for t = {t}.");
        }

        var plaintext = new Plaintext(_parameters);
        plaintext.Coefficients[0] = value >= 0 ? (ulong)value : t - (ulong)(-value);
        return plaintext;
    }

    /// <summary>The integer in (-t/2, t/2] that a constant plaintext holds.</summary>
    /// <exception cref="ArgumentException">The plaintext is not constant (it holds batched slots, or garbage).</exception>
    public long Decode(Plaintext plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        plaintext.Validate();
        if (plaintext.Coefficients.AsSpan(1).IndexOfAnyExcept(0UL) >= 0)
        {
            throw new ArgumentException("The plaintext is not a constant polynomial, so it does not hold one integer.", nameof(plaintext));
        }

        var t = _parameters.PlainModulus.Value;
        var m = plaintext.Coefficients[0];
        return m > t / 2 ? -(long)(t - m) : (long)m;
    }
}
