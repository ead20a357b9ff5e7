using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Crypto.Ristretto;
using PrivacyNode.Crypto.Sm2;

namespace PrivacyNode.Benchmarks.Group;

/// <summary>
/// The PSI hot path: field arithmetic, ristretto255 scalar multiplication, hash-to-group and one OPRF
/// evaluation per item, each beside libsodium's equivalent in the same run.
/// </summary>
[MemoryDiagnoser]
public class GroupBenchmarks : IDisposable
{
    private const int BatchSize = 64;
    private const int Sm2BatchSize = 8;

    private readonly byte[] _encoded = new byte[32];
    private readonly byte[] _output = new byte[32];
    private readonly byte[] _uniform = new byte[64];
    private readonly byte[] _key = new byte[32];
    private FieldElement _a;
    private FieldElement _b;
    private RistrettoPoint _point;
    private readonly RistrettoPoint[] _batch = new RistrettoPoint[BatchSize];
    private readonly RistrettoPoint[] _batchResults = new RistrettoPoint[BatchSize];
    private byte[] _encodedBatch = [];
    private PsiProvider _provider = null!;
    private PsiProvider _sm2Provider = null!;
    private byte[] _sm2Batch = [];
    private FieldElement4 _a4;
    private FieldElement4 _b4;
    private FieldElement8 _a8;
    private FieldElement8 _b8;
    private Scalar _scalar = null!;

    [GlobalSetup]
    public void Setup()
    {
        RandomNumberGenerator.Fill(_uniform);
        _a = FieldElement.FromBytes(_uniform.AsSpan(0, 32));
        _b = FieldElement.FromBytes(_uniform.AsSpan(32, 32));
        _point = RistrettoPoint.FromUniformBytes(_uniform);
        _point.Encode(_encoded);
        _scalar = Scalar.Random();
        _scalar.Encode(_key);
        Array.Fill(_batch, _point);
        _encodedBatch = [.. Enumerable.Range(0, BatchSize).SelectMany(_ => _encoded)];
        _provider = new PsiProvider();
        _sm2Provider = new PsiProvider(PsiSuite.Sm2);
        using (var requester = new PsiRequester(PsiSuite.Sm2))
        {
            _sm2Batch = requester.Blind([.. Enumerable.Range(0, Sm2BatchSize).Select(BitConverter.GetBytes)]);
        }
        _a4 = FieldElement4.Broadcast(_a);
        _b4 = FieldElement4.Broadcast(_b);
        if (FieldElement8.IsSupported)
        {
            _a8 = FieldElement8.Broadcast(_a);
            _b8 = FieldElement8.Broadcast(_b);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _scalar.Dispose();
        _provider.Dispose();
        _sm2Provider.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public ulong FieldMultiply() => _a.Multiply(_b).L0;

    [Benchmark]
    public ulong FieldSquare() => _a.Square().L0;

    /// <summary>Four products at once (AVX2); divide by 4 for the cost per element.</summary>
    [Benchmark]
    public ulong FieldMultiply4()
    {
        FieldElement4.Multiply(_a4, _b4, out var r);
        return r.L0[0];
    }

    [Benchmark]
    public ulong FieldSquare4()
    {
        FieldElement4.Square(_a4, out var r);
        return r.L0[0];
    }

    /// <summary>Eight products at once (AVX-512 only); divide by 8 for the cost per element.</summary>
    [Benchmark]
    public ulong FieldMultiply8() => _a8.Multiply(_b8).L0[0];

    [Benchmark]
    public ulong FieldSquare8() => _a8.Square().L0[0];

    [Benchmark]
    public ulong FieldInvert() => _a.Invert().L0;

    [Benchmark]
    public RistrettoPoint ScalarMultiply() => _point.Multiply(_scalar);

    /// <summary>A batch of <see cref="BatchSize"/> points times one scalar, as in every PSI message; divide by the batch size.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public RistrettoPoint ScalarMultiplyBatch()
    {
        RistrettoPoint.MultiplyBatch(_batch, _scalar, _batchResults);
        return _batchResults[0];
    }

    [Benchmark]
    public int ScalarMultiply_LibSodium() => LibSodium.ScalarMult(_output, _key, _encoded);

    [Benchmark]
    public RistrettoPoint FromUniformBytes() => RistrettoPoint.FromUniformBytes(_uniform);

    [Benchmark]
    public int FromUniformBytes_LibSodium() => LibSodium.FromHash(_output, _uniform);

    [Benchmark]
    public RistrettoPoint HashToGroup() => RistrettoPoint.HashToGroup(_uniform.AsSpan(0, 18), "PrivacyNode-PSI-v1"u8);

    /// <summary>One OPRF evaluation as a PSI peer does it: decode, multiply, encode.</summary>
    [Benchmark]
    public byte[] OprfEvaluate() => RistrettoPoint.Decode(_encoded).Multiply(_scalar).ToArray();

    /// <summary>A PSI provider's batch evaluation (decode, batched multiply, encode) of <see cref="BatchSize"/> elements; per item.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public byte[] OprfEvaluateBatch() => _provider.Evaluate(_encodedBatch);

    /// <summary>The national-standard suite's evaluation per item (SM2 through BouncyCastle): decode, multiply, encode.</summary>
    [Benchmark(OperationsPerInvoke = Sm2BatchSize)]
    public byte[] OprfEvaluateSm2() => _sm2Provider.Evaluate(_sm2Batch);

    /// <summary>SM2 hash-to-group (RFC 9380 simplified SWU with SM3).</summary>
    [Benchmark]
    public object HashToGroupSm2() => Sm2Group.HashToGroup(_uniform.AsSpan(0, 18), "PrivacyNode-PSI-v1"u8);

    /// <summary>libsodium's crypto_scalarmult_ristretto255 decodes, multiplies and encodes too.</summary>
    [Benchmark]
    public int OprfEvaluate_LibSodium() => LibSodium.ScalarMult(_output, _key, _encoded);
}
