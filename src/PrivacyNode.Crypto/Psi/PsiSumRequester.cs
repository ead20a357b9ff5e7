using System.Runtime.InteropServices;
using PrivacyNode.Crypto.Arithmetic;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The requester's side of psi-sum's encrypted values (docs/protocols/psi-sum.md): it selects the matched entries
/// of each block by the inner-product trick, sums the planes, masks and floods them into one request, and turns
/// the provider's answer into the sum. It holds the exchange to its counts: whole blocks of at most
/// <see cref="PsiSumParameters.BlockSize"/> entries, exactly as many entries in all as the provider announced before the
/// one request, and an answer for exactly the entries that matched. Not thread-safe.
/// </summary>
public sealed class PsiSumRequester
{
    private readonly Evaluator _evaluator = new(PsiSumParameters.Bfv);
    private readonly Encryptor _encryptor;
    private readonly long _low;
    private readonly Ciphertext?[] _sums;
    private readonly long[] _selectionTotals; // Σ_k M_k, as integers
    private readonly ulong[] _masks;          // U_ℓ(0) per plane
    private readonly long _providerKeys;
    private bool _requested;

    /// <summary>A requester matching against <paramref name="providerKeys"/> provider entries with values in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    /// <exception cref="ArgumentException">The public key is for other parameters, or the range or key count is invalid.</exception>
    public PsiSumRequester(PublicKey providerKey, long providerKeys, long low, long high)
    {
        ArgumentNullException.ThrowIfNull(providerKey);
        if (!providerKey.Parameters.Id.Span.SequenceEqual(PsiSumParameters.Bfv.Id.Span))
        {
            throw new ArgumentException("The provider's public key is not for the psi-sum parameters.", nameof(providerKey));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(providerKeys);
        _providerKeys = providerKeys;
        LimbBits = PsiSumParameters.LimbBits(Math.Max(1, providerKeys));
        Planes = PsiSumParameters.Planes(low, high, LimbBits);
        _low = low;
        _encryptor = new Encryptor(providerKey);
        _sums = new Ciphertext?[Planes];
        _selectionTotals = new long[PsiSumParameters.BlockSize];
        _masks = new ulong[Planes];
    }

    /// <summary>Bits per limb (the provider computes the same from the same sizes).</summary>
    public int LimbBits { get; }

    /// <summary>Limb planes per block.</summary>
    public int Planes { get; }

    /// <summary>The number of matched entries so far.</summary>
    public long Count { get; private set; }

    /// <summary>The number of the provider's entries received so far.</summary>
    public long Entries { get; private set; }

    /// <summary>Adds one block: <paramref name="matched"/>[j] says whether entry j of the block matched one of this node's keys.</summary>
    /// <exception cref="PsiProtocolException">The wrong number of ciphertexts, one of the wrong shape, or more entries than announced.</exception>
    public void AddBlock(ReadOnlySpan<bool> matched, IReadOnlyList<Ciphertext> planes)
    {
        ArgumentNullException.ThrowIfNull(planes);
        if (_requested)
        {
            throw new InvalidOperationException("The sum request was made already.");
        }

        if (matched.Length > PsiSumParameters.BlockSize || planes.Count != Planes)
        {
            throw new PsiProtocolException($"A block holds up to {PsiSumParameters.BlockSize} entries in {Planes} ciphertexts; got {matched.Length} entries in {planes.Count}.");
        }

        if (Entries + matched.Length > _providerKeys)
        {
            throw new PsiProtocolException($"The provider sent more than the {_providerKeys} entries it announced.");
        }

        foreach (var ciphertext in planes)
        {
            CheckShape(ciphertext);
        }

        // M(x) = s_0 − Σ_{j≥1} s_j·x^(n−j): the constant coefficient of V·M is Σ_j s_j·v_j.
        var n = PsiSumParameters.BlockSize;
        var t = PsiSumParameters.Bfv.PlainModulus.Value;
        var selection = new Plaintext(PsiSumParameters.Bfv);
        var selected = 0L;
        var bits = MemoryMarshal.AsBytes(matched); // 0 or 1 per entry: used as numbers, without a branch on them
        for (var j = 0; j < matched.Length; j++)
        {
            var bit = (ulong)(bits[j] & 1);
            var position = j == 0 ? 0 : n - j;
            selection.Coefficients[position] = j == 0 ? bit : (t - 1) & (0UL - bit);
            _selectionTotals[position] += j == 0 ? (long)bit : -(long)bit;
            selected += (long)bit;
        }

        Count += selected;
        Entries += matched.Length;

        // Every block costs the same products, selected entries or not: the time taken says nothing about the selection.
        var transformed = _evaluator.TransformToNtt(selection);
        for (var p = 0; p < Planes; p++)
        {
            var product = _evaluator.MultiplyPlain(planes[p], transformed);
            _sums[p] = _sums[p] is { } sum ? _evaluator.Add(sum, product) : product;
        }
    }

    /// <summary>
    /// The sum request: per plane, Σ_k c_k·M_k plus a flooded encryption of a uniform mask polynomial; then the
    /// count, <paramref name="ones"/>·Σ_k M_k plus a flooded encryption of a mask that leaves the constant coefficient alone.
    /// </summary>
    /// <exception cref="PsiProtocolException">The ones ciphertext has the wrong shape, or fewer entries arrived than announced.</exception>
    public IReadOnlyList<Ciphertext> CreateRequest(Ciphertext ones)
    {
        CheckShape(ones);
        if (_requested)
        {
            throw new InvalidOperationException("The sum request was made already.");
        }

        if (Entries != _providerKeys)
        {
            throw new PsiProtocolException($"The provider sent {Entries} of the {_providerKeys} entries it announced.");
        }

        _requested = true;
        var t = PsiSumParameters.Bfv.PlainModulus;
        var request = new List<Ciphertext>(Planes + 1);
        for (var p = 0; p < Planes; p++)
        {
            var mask = UniformPlaintext(t);
            _masks[p] = mask.Coefficients[0];
            var flooded = _encryptor.Encrypt(mask, PsiSumParameters.FloodingBits);
            request.Add(_sums[p] is { } sum ? _evaluator.Add(sum, flooded) : flooded);
        }

        var totals = new Plaintext(PsiSumParameters.Bfv);
        for (var j = 0; j < totals.Coefficients.Length; j++)
        {
            var total = _selectionTotals[j];
            totals.Coefficients[j] = total >= 0 ? (ulong)total : t.Value - (ulong)(-total);
        }

        var countMask = UniformPlaintext(t);
        countMask.Coefficients[0] = 0;
        var count = _evaluator.Add(_evaluator.MultiplyPlain(ones, totals), _encryptor.Encrypt(countMask, PsiSumParameters.FloodingBits));
        request.Add(count);
        return request;
    }

    /// <summary>The sum Σ v over the matched entries, from the provider's answer: the count it decrypted and its plane constants.</summary>
    /// <exception cref="PsiProtocolException">The provider decrypted another count than matched, the wrong number of constants, or one not below t.</exception>
    public Int128 Sum(long decryptedCount, IReadOnlyList<ulong> planeConstants)
    {
        ArgumentNullException.ThrowIfNull(planeConstants);
        if (decryptedCount != Count)
        {
            throw new PsiProtocolException($"The provider decrypted a count of {decryptedCount}; {Count} entries matched.");
        }

        var t = PsiSumParameters.Bfv.PlainModulus;
        if (!_requested || planeConstants.Count != Planes || planeConstants.Any(z => z >= t.Value))
        {
            throw new PsiProtocolException($"The answer holds {Planes} constants below t after a request; got {planeConstants.Count}.");
        }

        Int128 sum = 0;
        for (var p = 0; p < Planes; p++)
        {
            var limbSum = t.Subtract(planeConstants[p], _masks[p]);
            sum += (Int128)limbSum << (p * LimbBits);
        }

        return sum + (Count * (Int128)_low);
    }

    /// <summary>Plane <paramref name="plane"/>'s Σ_k c_k·M_k before masking and flooding (tests measure its noise).</summary>
    internal Ciphertext? PlaneSum(int plane) => _sums[plane];

    /// <summary>Throws unless <paramref name="ciphertext"/> is a fresh-shaped psi-sum ciphertext: the set, size 2, every data prime.</summary>
    internal static void CheckShape(Ciphertext ciphertext)
    {
        if (ciphertext is null || !ciphertext.HasFreshShape(PsiSumParameters.Bfv))
        {
            throw new PsiProtocolException("A psi-sum ciphertext is for the psi-sum parameters, of size 2, at the top level.");
        }
    }

    private static Plaintext UniformPlaintext(Modulus t)
    {
        var plaintext = new Plaintext(PsiSumParameters.Bfv);
        SecretSampler.Uniform(plaintext.Coefficients, t);
        return plaintext;
    }
}
