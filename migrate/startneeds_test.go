package migrate

import (
	"reflect"
	"testing"
)

func TestCheckAddresses(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []address
	}{
		{"curl -f http://${POD_IP}:8080/healthz", []address{{host: "${POD_IP}", port: "8080"}}},
		{"sh -c nc -z 0.0.0.0 8080", []address{{host: "0.0.0.0", port: "8080"}}},
		{"curl -f http://127.0.0.2:8080/", []address{{host: "127.0.0.2", port: "8080"}}},
		{"curl -f http://$(hostname -i):8080/", []address{{host: "$(hostname -i)", port: "8080"}}},
		{`bash -c "echo > /dev/tcp/127.0.0.1/8080"`, []address{{host: "127.0.0.1", port: "8080"}}},
		{"grpc_health_probe -addr=:9090", []address{{host: "", port: "9090"}}},
		{"curl -f http://localhost/ready", []address{{host: "localhost", port: "80"}}},
		{"wget -q -O- [::1]:15021", []address{{host: "[::1]", port: "15021"}}},
		{"nc -zv -w 2 localhost 5432", []address{{host: "localhost", port: "5432"}}},
		{"curl -f http://db.example.com:8080/ && nc -z 10.0.0.5 8080", nil},
		{"curl -f http://localhost:$PORT/", []address{{host: "localhost", port: "$PORT", unread: "its port $PORT is not a number the document shows"}}},
		{`curl -f "$CHECK_URL"`, []address{{unread: "runs curl with no address and port this tool can read"}}},
		{"test -f /shared/app.conf", nil},
	} {
		if got := checkAddresses(tc.text); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("checkAddresses(%q) = %+v, want %+v", tc.text, got, tc.want)
		}
	}
}

// FuzzCheckAddresses: any command text is read without a panic, and every address it
// returns has a numeric port or says why it cannot be read.
func FuzzCheckAddresses(f *testing.F) {
	for _, s := range []string{"curl -f http://$(hostname -i:8080", "nc -w", "echo > /dev/tcp/a/", "wget http://[::1", "x://", "$(", ":1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, a := range checkAddresses(text) {
			if a.unread == "" && !isNumber(a.port) {
				t.Fatalf("%q: address %+v has neither a port nor a reason", text, a)
			}
		}
		expandKube(text, map[string]kubeVar{"A": {value: "$(A)", known: true}}, true)
	})
}
