using System.Text;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Math;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Crypto.Sm2;

namespace PrivacyNode.Crypto.Tests.Sm2;

/// <summary>
/// The national-standard suite: the simplified SWU map against RFC 9380's P-256 vectors (the same code runs
/// SM2 with other constants), SM3 and SM4-GCM against their published vectors, SM2 decoding of bad points,
/// and the PSI messages over SM2 against a plaintext intersection.
/// </summary>
public sealed class Sm2SuiteTests
{
    /// <summary>RFC 9380 appendix J.1.1, P256_XMD:SHA-256_SSWU_RO_: msg, u0, u1, P.x, P.y.</summary>
    public static TheoryData<string, string, string, string, string> P256Vectors => new()
    {
        {
            "",
            "ad5342c66a6dd0ff080df1da0ea1c04b96e0330dd89406465eeba11582515009", "8c0f1d43204bd6f6ea70ae8013070a1518b43873bcd850aafa0a9e220e2eea5a",
            "2c15230b26dbc6fc9a37051158c95b79656e17a1a920b11394ca91c44247d3e4", "8a7a74985cc5c776cdfe4b1f19884970453912e9d31528c060be9ab5c43e8415"
        },
        {
            "abc",
            "afe47f2ea2b10465cc26ac403194dfb68b7f5ee865cda61e9f3e07a537220af1", "379a27833b0bfe6f7bdca08e1e83c760bf9a338ab335542704edcd69ce9e46e0",
            "0bb8b87485551aa43ed54f009230450b492fead5f1cc91658775dac4a3388a0f", "5c41b3d0731a27a7b14bc0bf0ccded2d8751f83493404c84a88e71ffd424212e"
        },
        {
            "abcdef0123456789",
            "0fad9d125a9477d55cf9357105b0eb3a5c4259809bf87180aa01d651f53d312c", "b68597377392cd3419d8fcc7d7660948c8403b19ea78bbca4b133c9d2196c0fb",
            "65038ac8f2b1def042a5df0b33b1f4eca6bff7cb0f9c6c1526811864e544ed80", "cad44d40a656e7aff4002a8de287abc8ae0482b5ae825822bb870d6df9b56ca3"
        },
    };

    [Theory]
    [MemberData(nameof(P256Vectors))]
    public void SimplifiedSwu_MatchesRfc9380OnP256(string message, string u0, string u1, string x, string y)
    {
        var swu = new SimplifiedSwu(NistNamedCurves.GetByName("P-256"), -10, ExpandMessageXmd.Sha256, 48);
        var dst = "QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_"u8;

        var (field0, field1) = swu.HashToField(Encoding.ASCII.GetBytes(message), dst);
        var point = swu.Hash(Encoding.ASCII.GetBytes(message), dst);

        Assert.Equal((u0, u1), (Hex(field0.ToBigInteger()), Hex(field1.ToBigInteger())));
        Assert.Equal((x, y), (Hex(point.AffineXCoord.ToBigInteger()), Hex(point.AffineYCoord.ToBigInteger())));
    }

    [Fact]
    public void Sm2HashToGroup_GivesDistinctValidPointsPerMessageAndDomain()
    {
        var points = Enumerable.Range(0, 16).Select(i => Sm2Group.HashToGroup(BitConverter.GetBytes(i), "PrivacyNode-test"u8)).ToList();

        Assert.All(points, p => Assert.True(p.IsValid() && !p.IsInfinity));
        Assert.Equal(16, points.Select(p => Convert.ToHexString(p.GetEncoded(true))).Distinct().Count());
        Assert.Equal(points[3], Sm2Group.HashToGroup(BitConverter.GetBytes(3), "PrivacyNode-test"u8));
        Assert.NotEqual(points[3], Sm2Group.HashToGroup(BitConverter.GetBytes(3), "PrivacyNode-other"u8));
    }

    [Fact]
    public void Sm2Z_IsTheFirstCandidateOfRfc9380AppendixH2()
    {
        // Candidates in the order 1, -1, 2, -2, ...: Z must be a non-square, not -1, make g(x) - Z irreducible
        // (a cubic is irreducible iff it has no root: gcd(x^p - x, g - Z) = 1) and make g(B / (Z·A)) square.
        var p = Sm2Group.Parameters.Curve.Field.Characteristic;
        var a = Sm2Group.Parameters.Curve.A.ToBigInteger();
        var b = Sm2Group.Parameters.Curve.B.ToBigInteger();
        var first = Enumerable.Range(1, 20).SelectMany(i => new[] { i, -i }).First(z => Qualifies(BigInteger.ValueOf(z).Mod(p)));
        Assert.Equal(Sm2Group.SswuZ, first);

        bool Qualifies(BigInteger z)
        {
            if (IsSquare(z) || z.Equals(p.Subtract(BigInteger.One)) || HasRoot([b.Subtract(z).Mod(p), a, BigInteger.Zero]))
            {
                return false;
            }

            var x = b.Multiply(z.Multiply(a).ModInverse(p)).Mod(p);
            return IsSquare(x.ModPow(BigInteger.Three, p).Add(a.Multiply(x)).Add(b).Mod(p));
        }

        bool IsSquare(BigInteger v) => v.SignValue == 0 || v.ModPow(p.ShiftRight(1), p).Equals(BigInteger.One);

        // f = x^3 + c2·x^2 + c1·x + c0, given as [c0, c1, c2]; polynomials below degree 3 as [r0, r1, r2].
        bool HasRoot(BigInteger[] f)
        {
            BigInteger[] result = [BigInteger.One, BigInteger.Zero, BigInteger.Zero];
            BigInteger[] square = [BigInteger.Zero, BigInteger.One, BigInteger.Zero];
            for (var i = 0; i < p.BitLength; i++)
            {
                if (p.TestBit(i))
                {
                    result = MulMod(result, square, f);
                }

                square = MulMod(square, square, f);
            }

            // h = x^p - x mod f; f has a root iff gcd(f, h) has degree at least 1.
            result[1] = result[1].Subtract(BigInteger.One).Mod(p);
            return GcdDegree([.. f, BigInteger.One], [.. result]) > 0;
        }

        BigInteger[] MulMod(BigInteger[] u, BigInteger[] v, BigInteger[] f)
        {
            var r = Enumerable.Repeat(BigInteger.Zero, 5).ToArray();
            for (var i = 0; i < 3; i++)
            {
                for (var j = 0; j < 3; j++)
                {
                    r[i + j] = r[i + j].Add(u[i].Multiply(v[j])).Mod(p);
                }
            }

            for (var d = 4; d >= 3; d--)
            {
                for (var j = 0; j < 3; j++)
                {
                    r[d - 3 + j] = r[d - 3 + j].Subtract(r[d].Multiply(f[j])).Mod(p);
                }

                r[d] = BigInteger.Zero;
            }

            return r[..3];
        }

        int GcdDegree(List<BigInteger> u, List<BigInteger> v)
        {
            Trim(u);
            Trim(v);
            while (v.Count > 0)
            {
                var inverse = v[^1].ModInverse(p);
                while (u.Count >= v.Count)
                {
                    var c = u[^1].Multiply(inverse).Mod(p);
                    var shift = u.Count - v.Count;
                    for (var j = 0; j < v.Count; j++)
                    {
                        u[shift + j] = u[shift + j].Subtract(c.Multiply(v[j])).Mod(p);
                    }

                    Trim(u);
                }

                (u, v) = (v, u);
            }

            return u.Count - 1;
        }

        static void Trim(List<BigInteger> poly)
        {
            while (poly.Count > 0 && poly[^1].SignValue == 0)
            {
                poly.RemoveAt(poly.Count - 1);
            }
        }
    }

    [Fact]
    public void Sm2Decode_RefusesEverythingButCanonicalPoints()
    {
        var good = new byte[Sm2Group.ElementSize];
        Sm2Group.Encode(Sm2Group.HashToGroup("x"u8, "PrivacyNode-test"u8), good);
        Assert.True(Sm2Group.TryDecode(good, out _));

        var p = Sm2Group.Parameters.Curve.Field.Characteristic.ToByteArrayUnsigned();
        byte[][] bad =
        [
            [],
            new byte[33],                                   // prefix 0: the point at infinity is not an element here
            [0x04, .. good[1..]],                           // uncompressed prefix on a compressed length
            [0x02, .. p],                                   // x = p: not canonical
            [0x02, .. Enumerable.Repeat((byte)0xFF, 32)],   // x above p
            good[..32],
            [.. good, 0],
        ];
        foreach (var bytes in bad)
        {
            Assert.False(Sm2Group.TryDecode(bytes, out _), Convert.ToHexString(bytes));
        }

        // About half of all x are not on the curve; at least one of a handful must be refused.
        var refused = Enumerable.Range(1, 8).Count(i => !Sm2Group.TryDecode([0x02, .. new byte[31], (byte)i], out _));
        Assert.InRange(refused, 1, 8);
    }

    [Fact]
    public void Sm2Psi_MatchesThePlaintextIntersection_AndSealsWithSm4()
    {
        var requesterKeys = Enumerable.Range(0, 12).Select(i => Encoding.UTF8.GetBytes($"id-{i}")).ToList();
        var providerKeys = Enumerable.Range(7, 10).Select(i => Encoding.UTF8.GetBytes($"id-{i}")).ToList();
        using var requester = new PsiRequester(PsiSuite.Sm2);
        using var provider = new PsiProvider(PsiSuite.Sm2);
        Assert.Same(PsiSuite.Sm2, provider.Suite);

        var blinded = requester.Blind(requesterKeys);
        Assert.Equal(12 * 33, blinded.Length);
        var payloadKeys = new byte[12 * Oprf.PayloadKeySize];
        var tags = requester.Finalize(provider.Evaluate(blinded), payloadKeys);
        var providerTags = new byte[10 * Oprf.TagSize];
        var providerPayloadKeys = new byte[10 * Oprf.PayloadKeySize];
        provider.Tag(providerKeys, providerTags, providerPayloadKeys);

        var theirs = Enumerable.Range(0, 10).ToDictionary(j => Convert.ToHexString(providerTags, j * 16, 16), j => j);
        var matched = Enumerable.Range(0, 12).Where(i => theirs.ContainsKey(Convert.ToHexString(tags, i * 16, 16))).ToList();
        Assert.Equal(Enumerable.Range(7, 5), matched);

        // A row sealed by the provider under its payload key opens under the requester's, and nowhere else.
        var j7 = theirs[Convert.ToHexString(tags, 7 * 16, 16)];
        var row = PsiSuite.Sm2.Seal(providerPayloadKeys.AsSpan(j7 * 32, 32), providerTags.AsSpan(j7 * 16, 16), "amount=1200"u8);
        Assert.Equal("amount=1200", Encoding.UTF8.GetString(PsiSuite.Sm2.Open(payloadKeys.AsSpan(7 * 32, 32), tags.AsSpan(7 * 16, 16), row)));
        Assert.Throws<PsiProtocolException>(() => PsiSuite.Sm2.Open(payloadKeys.AsSpan(8 * 32, 32), tags.AsSpan(7 * 16, 16), row));
        row[^1] ^= 1;
        Assert.Throws<PsiProtocolException>(() => PsiSuite.Sm2.Open(payloadKeys.AsSpan(7 * 32, 32), tags.AsSpan(7 * 16, 16), row));

        // The ristretto255 suite refuses SM2 elements, and the SM2 suite refuses a ragged batch.
        using var other = new PsiProvider();
        Assert.Throws<PsiProtocolException>(() => other.Evaluate(blinded));
        Assert.Throws<PsiProtocolException>(() => provider.Evaluate(blinded.AsSpan(1)));
    }

    [Fact]
    public void Scalars_RoundTripAndRefuseZeroAndForeignSuites()
    {
        foreach (var suite in PsiSuite.All)
        {
            using var k = suite.RandomScalar();
            using var back = suite.DecodeScalar(k.Encode());
            Assert.Equal(k.Encode(), back.Encode());
            Assert.Throws<ArgumentException>(() => suite.DecodeScalar(new byte[32]));
            Assert.Throws<ArgumentException>(() => suite.DecodeScalar(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        }

        using var foreign = PsiSuite.Sm2.RandomScalar();
        using var provider = new PsiProvider(foreign);
        Assert.Equal("sm2-sm3", provider.Suite.Name);
        Assert.Same(PsiSuite.Sm2, PsiSuite.Find("sm2-sm3"));
        Assert.Same(PsiSuite.Ristretto255, PsiSuite.Find(""));
        Assert.Null(PsiSuite.Find("p256"));
    }

    private static string Hex(BigInteger value) => Convert.ToHexStringLower(value.ToByteArrayUnsigned()).PadLeft(64, '0');
}
