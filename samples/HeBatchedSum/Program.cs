using PrivacyNode.Samples.HeBatchedSum;

return Walkthrough.Run(Console.Out);
