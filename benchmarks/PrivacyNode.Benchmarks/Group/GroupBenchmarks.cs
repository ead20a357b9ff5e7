using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using PrivacyNode.Crypto.Ristretto;

namespace PrivacyNode.Benchmarks.Group;

/// <summary>
/// The PSI hot path: field arithmetic, ristretto255 scalar multiplication, hash-to-group and one OPRF
/// evaluation per item, each beside libsodium's equivalent in the same run.
/// </summary>
[MemoryDiagnoser]
public class GroupBenchmarks
{
    private readonly byte[] _encoded = new byte[32];
    private readonly byte[] _output = new byte[32];
    private readonly byte[] _uniform = new byte[64];
    private readonly byte[] _key = new byte[32];
    private FieldElement _a;
    private FieldElement _b;
    private RistrettoPoint _point;
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
    }

    [GlobalCleanup]
    public void Cleanup() => _scalar.Dispose();

    [Benchmark]
    public ulong FieldMultiply() => _a.Multiply(_b).L0;

    [Benchmark]
    public ulong FieldSquare() => _a.Square().L0;

    [Benchmark]
    public ulong FieldInvert() => _a.Invert().L0;

    [Benchmark]
    public RistrettoPoint ScalarMultiply() => _point.Multiply(_scalar);

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

    /// <summary>libsodium's crypto_scalarmult_ristretto255 decodes, multiplies and encodes too.</summary>
    [Benchmark]
    public int OprfEvaluate_LibSodium() => LibSodium.ScalarMult(_output, _key, _encoded);
}
