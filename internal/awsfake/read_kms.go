package awsfake

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// KMS is the fake KMS client of one account and region.
type KMS struct {
	c               *Cloud
	account, region string
}

var _ awsread.KMSAPI = (*KMS)(nil)

// key resolves a key ID, key ARN, alias name or alias ARN. The AWS-managed
// alias/aws/sns exists in every account and region, as it does once SNS
// encryption has been used. Callers hold c.mu.
func (k *KMS) key(ref string) (*Key, error) {
	a, err := k.c.lookup(k.account)
	if err != nil {
		return nil, err
	}
	r := a.Region(k.region)
	id := ref
	if p, err := inventory.ParseARN(ref); err == nil {
		if p.Account != k.account {
			return nil, apiError("AccessDeniedException", "cross-account key "+ref+" is not readable")
		}
		id = p.Resource
		id = strings.TrimPrefix(id, "key/")
	}
	if strings.HasPrefix(id, "alias/") {
		if id == "alias/aws/sns" {
			if _, ok := r.Aliases[id]; !ok {
				kid := "aws-sns-" + k.account
				r.Keys[kid] = &Key{Metadata: kmstypes.KeyMetadata{
					KeyId: aws.String(kid), Arn: aws.String("arn:" + k.c.partition() + ":kms:" + k.region + ":" + k.account + ":key/" + kid),
					KeyManager: kmstypes.KeyManagerTypeAws, KeyState: kmstypes.KeyStateEnabled, Enabled: true,
				}, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Encrypt","kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"sns.` + k.region + `.amazonaws.com","kms:CallerAccount":"` + k.account + `"}}}]}`}
				r.Aliases[id] = kid
			}
		}
		kid, ok := r.Aliases[id]
		if !ok {
			return nil, apiError("NotFoundException", "Alias "+ref+" is not found.")
		}
		id = kid
	}
	key, ok := r.Keys[id]
	if !ok {
		return nil, apiError("NotFoundException", "Key '"+ref+"' does not exist")
	}
	return key, nil
}

// DescribeKey implements awsread.KMSAPI.
func (k *KMS) DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, _ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	if err := k.c.call(ctx, k.account, k.region, "kms:DescribeKey"); err != nil {
		return nil, err
	}
	k.c.mu.Lock()
	defer k.c.mu.Unlock()
	key, err := k.key(aws.ToString(in.KeyId))
	if err != nil {
		return nil, err
	}
	md := key.Metadata
	return &kms.DescribeKeyOutput{KeyMetadata: &md}, nil
}

// GetKeyPolicy implements awsread.KMSAPI.
func (k *KMS) GetKeyPolicy(ctx context.Context, in *kms.GetKeyPolicyInput, _ ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	if err := k.c.call(ctx, k.account, k.region, "kms:GetKeyPolicy"); err != nil {
		return nil, err
	}
	k.c.mu.Lock()
	defer k.c.mu.Unlock()
	if strings.HasPrefix(aws.ToString(in.KeyId), "alias/") {
		return nil, apiError("NotFoundException", "GetKeyPolicy takes a key ID or ARN, not an alias")
	}
	key, err := k.key(aws.ToString(in.KeyId))
	if err != nil {
		return nil, err
	}
	if n := aws.ToString(in.PolicyName); n != "" && n != "default" {
		return nil, apiError("NotFoundException", "No such policy "+n)
	}
	return &kms.GetKeyPolicyOutput{Policy: aws.String(key.Policy), PolicyName: aws.String("default")}, nil
}
