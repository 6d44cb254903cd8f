package template

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// ecsDoc is the rendered watch-ecs template, decoded generically.
func ecsDoc(t *testing.T, o Options) map[string]any {
	t.Helper()
	o.Design, o.Format = DesignWatchECS, FormatCloudFormation
	out, err := Render(o)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func resource(t *testing.T, doc map[string]any, id, typ string) map[string]any {
	t.Helper()
	r, ok := doc["Resources"].(map[string]any)[id].(map[string]any)
	if !ok || r["Type"] != typ {
		t.Fatalf("resource %s of type %s missing (have %v)", id, typ, r)
	}
	return r["Properties"].(map[string]any)
}

// The container runs as the watch service must in production: not root,
// read-only root file system, no capabilities, secrets from Secrets
// Manager or SSM into the environment watch reads them from (never on the
// command line), a healthcheck through the binary, logs to CloudWatch.
func TestWatchECSContainer(t *testing.T) {
	doc := ecsDoc(t, Options{})
	td := resource(t, doc, "TaskDefinition", "AWS::ECS::TaskDefinition")
	if !slices.Equal(td["RequiresCompatibilities"].([]any), []any{"FARGATE"}) || td["NetworkMode"] != "awsvpc" {
		t.Errorf("not a Fargate task definition: %v %v", td["RequiresCompatibilities"], td["NetworkMode"])
	}
	if td["RuntimePlatform"].(map[string]any)["CpuArchitecture"] != "ARM64" {
		t.Errorf("default architecture = %v, want ARM64 (as the Lambda's)", td["RuntimePlatform"])
	}
	cds := td["ContainerDefinitions"].([]any)
	if len(cds) != 1 {
		t.Fatalf("%d containers, want 1", len(cds))
	}
	c := cds[0].(map[string]any)
	if u := c["User"].(string); u == "" || u == "0" || strings.HasPrefix(u, "0:") || strings.HasPrefix(u, "root") {
		t.Errorf("container user %q is root", u)
	}
	if c["ReadonlyRootFilesystem"] != true || c["Privileged"] != false {
		t.Errorf("ReadonlyRootFilesystem %v Privileged %v", c["ReadonlyRootFilesystem"], c["Privileged"])
	}
	if drop := c["LinuxParameters"].(map[string]any)["Capabilities"].(map[string]any)["Drop"]; !slices.Equal(drop.([]any), []any{"ALL"}) {
		t.Errorf("capabilities dropped: %v", drop)
	}
	// The one writable path is the image's VOLUME /data (owned by its user).
	mps := c["MountPoints"].([]any)
	if len(mps) != 1 || mps[0].(map[string]any)["ContainerPath"] != "/data" {
		t.Errorf("mount points = %v, want /data only", mps)
	}

	hc := c["HealthCheck"].(map[string]any)["Command"].([]any)
	if len(hc) < 3 || hc[0] != "CMD" || hc[1] != "/rootwatch" || hc[2] != "healthcheck" {
		t.Errorf("healthcheck = %v, want CMD /rootwatch healthcheck (the image has no shell)", hc)
	}
	lc := c["LogConfiguration"].(map[string]any)
	if lc["LogDriver"] != "awslogs" || !jsonEqual(lc["Options"].(map[string]any)["awslogs-group"], map[string]any{"Ref": "LogGroup"}) {
		t.Errorf("log configuration = %v", lc)
	}

	secrets := map[string]any{}
	for _, s := range c["Secrets"].([]any) {
		s := s.(map[string]any)
		secrets[s["Name"].(string)] = s["ValueFrom"]
	}
	wantSecrets := map[string]any{
		watchStoreEnv:  map[string]any{"Ref": "StoreUrlSecretArn"},
		watchNotifyEnv: map[string]any{"Ref": "NotifierSecretArn"},
	}
	if !jsonEqual(secrets, wantSecrets) {
		t.Errorf("secrets = %v, want %v", secrets, wantSecrets)
	}
	if _, ok := c["Environment"]; ok {
		for _, e := range c["Environment"].([]any) {
			if n := e.(map[string]any)["Name"]; n == watchStoreEnv || n == watchNotifyEnv {
				t.Errorf("%v is a plain environment variable: it must come from Secrets", n)
			}
		}
	}

	// The command reads the store and the notifier from those variables,
	// and the SQS source is the queue the task role may read.
	cmd := c["Command"].([]any)
	if cmd[0] != "watch" {
		t.Fatalf("command = %v, want watch ...", cmd)
	}
	flags := map[string]any{}
	for i := 1; i+1 < len(cmd); i += 2 {
		flags[cmd[i].(string)] = cmd[i+1]
	}
	if flags["--store"] != "env:"+watchStoreEnv {
		t.Errorf("--store %v", flags["--store"])
	}
	if !jsonEqual(flags["--notify"], map[string]any{"Fn::Sub": "${NotifierKind}:env:" + watchNotifyEnv}) {
		t.Errorf("--notify %v", flags["--notify"])
	}
	if src, _ := flags["--source"].(map[string]any)["Fn::Sub"].(string); !strings.HasPrefix(src, "sqs://https://sqs.") || !strings.HasSuffix(src, "/${QueueName}") {
		t.Errorf("--source %v", flags["--source"])
	}
	if flags["--listen"] != hcAddr(hc) {
		t.Errorf("--listen %v and the healthcheck's --addr %v differ", flags["--listen"], hcAddr(hc))
	}
}

func hcAddr(hc []any) any {
	for i := range hc {
		if hc[i] == "--addr" && i+1 < len(hc) {
			return hc[i+1]
		}
	}
	return DefaultListenForTest
}

// DefaultListenForTest is the healthcheck's default --addr
// (cli.DefaultListen; template may not import cli).
const DefaultListenForTest = "127.0.0.1:9780"

func TestWatchECSServiceRunsTwo(t *testing.T) {
	doc := ecsDoc(t, Options{Architecture: "x86_64"})
	svc := resource(t, doc, "Service", "AWS::ECS::Service")
	if svc["DesiredCount"] != 2.0 || svc["LaunchType"] != "FARGATE" {
		t.Errorf("DesiredCount %v LaunchType %v", svc["DesiredCount"], svc["LaunchType"])
	}
	if dc := svc["DeploymentConfiguration"].(map[string]any); dc["MinimumHealthyPercent"] != 100.0 {
		t.Errorf("a deployment may drop below two tasks: %v", dc)
	}
	td := resource(t, doc, "TaskDefinition", "AWS::ECS::TaskDefinition")
	if td["RuntimePlatform"].(map[string]any)["CpuArchitecture"] != "X86_64" {
		t.Errorf("--architecture x86_64 gave %v", td["RuntimePlatform"])
	}
	sg := resource(t, doc, "SecurityGroup", "AWS::EC2::SecurityGroup")
	if _, ok := sg["SecurityGroupIngress"]; ok {
		t.Errorf("the tasks accept inbound traffic: %v", sg["SecurityGroupIngress"])
	}
}

// policyActions lists the Allow actions of a role's inline policies,
// following Fn::If to both branches.
func policyActions(t *testing.T, role map[string]any) []string {
	t.Helper()
	var out []string
	var walk func(st any)
	walk = func(st any) {
		m := st.(map[string]any)
		if f, ok := m["Fn::If"].([]any); ok {
			for _, b := range f[1:] {
				if bm, ok := b.(map[string]any); ok && bm["Ref"] == nil {
					walk(bm)
				}
			}
			return
		}
		if m["Effect"] != "Allow" {
			t.Errorf("statement %v is not Allow", m)
		}
		switch a := m["Action"].(type) {
		case string:
			out = append(out, a)
		case []any:
			for _, x := range a {
				out = append(out, x.(string))
			}
		}
	}
	for _, p := range role["Policies"].([]any) {
		for _, st := range p.(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			walk(st)
		}
	}
	return out
}

// The task role grants no more than docs/iam/watch-policy.json (the
// policy the iampolicy test keeps equal to what watch calls), scoped to
// this deployment's queue and bucket. kms:Decrypt is the one addition:
// S3 needs it to hand over SSE-KMS log files (no API rootwatch calls).
func TestWatchECSTaskRoleMatchesWatchPolicy(t *testing.T) {
	b, err := os.ReadFile("../../docs/iam/watch-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var wp struct{ Statement []struct{ Action []string } }
	if err := json.Unmarshal(b, &wp); err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"kms:Decrypt": true}
	for _, st := range wp.Statement {
		for _, a := range st.Action {
			allowed[a] = true
		}
	}
	doc := ecsDoc(t, Options{})
	role := resource(t, doc, "TaskRole", "AWS::IAM::Role")
	actions := policyActions(t, role)
	for _, a := range actions {
		if !allowed[a] {
			t.Errorf("task role allows %s, which docs/iam/watch-policy.json does not", a)
		}
	}
	for _, need := range []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "s3:GetObject"} {
		if !slices.Contains(actions, need) {
			t.Errorf("task role lacks %s, which the SQS source needs", need)
		}
	}
	for _, st := range role["Policies"].([]any)[0].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
		m := st.(map[string]any)
		if sid, _ := m["Sid"].(string); strings.HasPrefix(sid, "ReadCloudTrail") && m["Resource"] == "*" {
			t.Errorf("%s is not scoped to the queue or bucket", sid)
		}
	}

	exec := resource(t, doc, "ExecutionRole", "AWS::IAM::Role")
	for _, a := range policyActions(t, exec) {
		switch {
		case strings.HasPrefix(a, "ecr:"), a == "logs:CreateLogStream", a == "logs:PutLogEvents",
			a == "secretsmanager:GetSecretValue", a == "ssm:GetParameters":
		default:
			t.Errorf("execution role allows %s", a)
		}
	}
}

func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}
