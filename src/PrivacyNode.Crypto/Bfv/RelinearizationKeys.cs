namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// Key-switching keys from s² to s, one per data prime (RNS decomposition, as SEAL): key i is an encryption
/// of zero at the key level, (b_i, a_i) = (-(a_i·s + e_i), a_i), with P·s² added to b_i's row i only, where P
/// is the special prime. Relinearization multiplies digit i of c2 by key i and divides P back out.
/// </summary>
public sealed class RelinearizationKeys
{
    internal RelinearizationKeys(BfvParameters parameters, IReadOnlyList<SwitchingKey> keys)
    {
        Parameters = parameters;
        Keys = keys;
    }

    /// <summary>The parameter set.</summary>
    public BfvParameters Parameters { get; }

    internal IReadOnlyList<SwitchingKey> Keys { get; }
}
