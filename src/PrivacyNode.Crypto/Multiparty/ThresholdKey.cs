using System.Numerics;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Multiparty;

/// <summary>
/// Combines the shares of <see cref="ThresholdParty"/> parties: public-key shares into the collective public key, and
/// key-switch shares into a ciphertext under the target key. Combining needs no secret. Thread-safe.
/// </summary>
public static class ThresholdKey
{
    /// <summary>
    /// b of the flooding term each of <paramref name="parties"/> parties adds to its key-switch share: their sum stays
    /// below Δ/16, so the switched ciphertext still decrypts, and it drowns the ciphertext's own error.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one party.</exception>
    public static int FloodingBits(BfvParameters parameters, int parties)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        return Math.Min(126, parameters.DeltaBits - 4 - (int)BitOperations.Log2(BitOperations.RoundUpToPowerOf2((uint)parties)));
    }

    /// <summary>The collective public key: (Σ b_i, a) over every party's share, all made from one common seed.</summary>
    /// <exception cref="ArgumentException">No shares, shares for other parameters, or shares from different seeds.</exception>
    public static PublicKey CombinePublicKey(IReadOnlyList<PublicKey> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (shares.Count == 0)
        {
            throw new ArgumentException("At least one share.", nameof(shares));
        }

        var first = shares[0];
        var b = first.B.Clone();
        foreach (var share in shares.Skip(1))
        {
            CheckParameters(first.Parameters, share.Parameters);
            if (!share.Seed.Span.SequenceEqual(first.Seed.Span))
            {
                throw new ArgumentException("The shares were made from different seeds: they do not share a.", nameof(shares));
            }

            b.Add(share.B);
        }

        return new PublicKey(first.Parameters, b, first.A.Clone(), first.Seed.ToArray());
    }

    /// <summary>
    /// <paramref name="ciphertext"/> switched to the target key of <paramref name="shares"/>, one from every party:
    /// (c0 + Σ h0_i, Σ h1_i). With a share missing, the result decrypts to noise.
    /// </summary>
    /// <exception cref="ArgumentException">No shares, or a share of another shape or level than the ciphertext.</exception>
    public static Ciphertext CombineKeySwitch(Ciphertext ciphertext, IReadOnlyList<Ciphertext> shares)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(shares);
        if (shares.Count == 0 || ciphertext.Size != 2 || shares.Any(s => s.Size != 2 || s.Level != ciphertext.Level))
        {
            throw new ArgumentException("Key-switch shares are of size 2 at the ciphertext's level, at least one.", nameof(shares));
        }

        var c0 = ciphertext.Polynomials[0].Clone();
        var c1 = new RnsPolynomial(c0.Degree, c0.Basis, c0.Primes, isNtt: false);
        foreach (var share in shares)
        {
            CheckParameters(ciphertext.Parameters, share.Parameters);
            c0.Add(share.Polynomials[0]);
            c1.Add(share.Polynomials[1]);
        }

        return new Ciphertext(ciphertext.Parameters, [c0, c1]);
    }

    /// <exception cref="ArgumentException">Some object is for other parameters than <paramref name="expected"/>.</exception>
    internal static void CheckParameters(BfvParameters expected, params BfvParameters[] others)
    {
        if (others.Any(p => !p.Id.Span.SequenceEqual(expected.Id.Span)))
        {
            throw new ArgumentException("The keys, shares and ciphertexts are for different parameters.");
        }
    }
}
