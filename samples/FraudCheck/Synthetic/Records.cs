namespace PrivacyNode.Samples.FraudCheck.Synthetic;

/// <summary>The fraud planted in a claim; the report is scored against it.</summary>
internal enum Fraud
{
    None,

    /// <summary>A claim for a stay the bureau already settled in full at the one-stop window.</summary>
    DoubleReimbursement,

    /// <summary>A claim for a stay (on record at the bureau) while the claimant's phone was in another city.</summary>
    PhantomStay,

    /// <summary>A claim above what the claimant paid themselves, by the bureau's settlement.</summary>
    InflatedAmount,
}

/// <summary>An insured resident: the ID the insurer and the bureau know, the mobile the insurer and the operator know.</summary>
internal sealed record Resident(string IdNumber, string Mobile);

/// <summary>A hospital stay as the medical-insurance bureau settled it (yuan); the self-paid part is what is left for the patient.</summary>
internal sealed record Settlement(string Id, Resident Patient, Hospital Hospital, DateOnly Admitted, DateOnly Discharged, decimal Total, decimal FundPaid, decimal DirectPaid)
{
    public decimal SelfPaid => Total - FundPaid - DirectPaid;

    public bool SettledInFull => SelfPaid == 0;
}

/// <summary>A claim the insurer received for a stay.</summary>
internal sealed record Claim(string Id, Settlement Stay, decimal Amount, Fraud Planted);
