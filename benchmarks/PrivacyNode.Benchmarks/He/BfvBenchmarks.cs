using BenchmarkDotNet.Attributes;
using PrivacyNode.Crypto.Bfv;

namespace PrivacyNode.Benchmarks.He;

/// <summary>
/// The BFV operations at the three named sets, for the SEAL table of ../shared/docs/targets.md (same names as
/// its rows).
/// </summary>
[MemoryDiagnoser]
public class BfvBenchmarks
{
    private BfvParameters _parameters = null!;
    private KeyGenerator _generator = null!;
    private SecretKey _secretKey = null!;
    private PublicKey _publicKey = null!;
    private BatchEncoder _encoder = null!;
    private Encryptor _publicEncryptor = null!;
    private Encryptor _secretEncryptor = null!;
    private Decryptor _decryptor = null!;
    private Evaluator _evaluator = null!;
    private ulong[] _values = [];
    private Plaintext _plaintext = null!;
    private NttPlaintext _nttPlaintext = null!;
    private Ciphertext _a = null!;
    private Ciphertext _b = null!;
    private Ciphertext _tensor = null!;
    private RelinearizationKeys _relinearization = null!;
    private GaloisKeys _galois = null!;
    private List<PrivacyNode.Crypto.Rlwe.RnsPolynomial> _nttCiphertext = [];

    /// <summary>log2 n of the named set.</summary>
    [Params(12, 13, 14)]
    public int LogDegree { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _parameters = LogDegree switch
        {
            12 => BfvParameterSets.Sec128LogN12LogQ109,
            13 => BfvParameterSets.Sec128LogN13LogQ218,
            _ => BfvParameterSets.Sec128LogN14LogQ438,
        };
        _generator = new KeyGenerator(_parameters);
        _secretKey = _generator.CreateSecretKey();
        _publicKey = _generator.CreatePublicKey(_secretKey);
        _encoder = new BatchEncoder(_parameters);
        _publicEncryptor = new Encryptor(_publicKey);
        _secretEncryptor = new Encryptor(_secretKey);
        _decryptor = new Decryptor(_secretKey);
        _evaluator = new Evaluator(_parameters);
        _values = [.. Enumerable.Range(0, _parameters.Degree).Select(i => (ulong)i % _parameters.PlainModulus.Value)];
        _plaintext = _encoder.Encode(_values);
        _nttPlaintext = _evaluator.TransformToNtt(_plaintext);
        _a = _publicEncryptor.Encrypt(_plaintext);
        _b = _publicEncryptor.Encrypt(_plaintext);
        _relinearization = _generator.CreateRelinearizationKeys(_secretKey);
        _tensor = _evaluator.Multiply(_a, _b);
        _galois = _generator.CreateGaloisKeys(_secretKey, [1], columnSwap: false);
        _nttCiphertext = [.. _a.Polynomials.Select(p => p.Clone())];
        foreach (var polynomial in _nttCiphertext)
        {
            polynomial.ToNtt(BfvContext.Of(_parameters).Tables);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _secretKey.Dispose();

    [Benchmark]
    public SecretKey KeygenSecret() => _generator.CreateSecretKey();

    [Benchmark]
    public PublicKey KeygenPublic() => _generator.CreatePublicKey(_secretKey);

    [Benchmark]
    public RelinearizationKeys KeygenRelinearization() => _generator.CreateRelinearizationKeys(_secretKey);

    [Benchmark]
    public Plaintext BatchEncode() => _encoder.Encode(_values);

    [Benchmark]
    public Ciphertext EncryptPublicKey() => _publicEncryptor.Encrypt(_plaintext);

    [Benchmark]
    public Ciphertext EncryptSecretKey() => _secretEncryptor.Encrypt(_plaintext);

    [Benchmark]
    public Plaintext Decrypt() => _decryptor.Decrypt(_a);

    [Benchmark]
    public Ciphertext AddCiphertexts() => _evaluator.Add(_a, _b);

    [Benchmark]
    public Ciphertext MultiplyPlain() => _evaluator.MultiplyPlain(_a, _plaintext);

    /// <summary>ct×ct without relinearization (HPS: lift to Q ∪ P, tensor, scale by t/Q, back to Q).</summary>
    [Benchmark]
    public Ciphertext MultiplyCiphertexts() => _evaluator.Multiply(_a, _b);

    [Benchmark]
    public Ciphertext Relinearize() => _evaluator.Relinearize(_tensor, _relinearization);

    [Benchmark]
    public Ciphertext RotateRowsOneStep() => _evaluator.RotateRows(_a, 1, _galois);

    [Benchmark]
    public Ciphertext ModSwitchToNext() => _evaluator.ModSwitchToNext(_a);

    /// <summary>The plaintext in NTT form; the ciphertext is transformed and back, as SEAL's BFV ciphertexts are not kept in NTT form.</summary>
    [Benchmark]
    public Ciphertext MultiplyPlainNttPlaintext() => _evaluator.MultiplyPlain(_a, _nttPlaintext);

    /// <summary>SEAL's "multiply plain, both in NTT form": the pointwise products alone, in place (the ciphertext stays in NTT form).</summary>
    [Benchmark]
    public int MultiplyPlainPointwise()
    {
        foreach (var polynomial in _nttCiphertext)
        {
            polynomial.MultiplyPointwise(_nttPlaintext.Value);
        }

        return _nttCiphertext.Count;
    }
}
