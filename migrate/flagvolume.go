package migrate

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The exit flag's volume goes only when the one proof of volumeproof.go shows that nothing
// but the flag protocol, as planned, uses it. Mounts never go one by one: a watcher's
// process may read what the app leaves on the volume.

// volumeKept returns the note that says why the flag's volume must stay in pod spec, or nil
// when nothing but the flag protocol, as planned, uses it.
func (p *flagPlan) volumeKept(spec *yaml.Node) *Note {
	proof := newVolumeProof("the exit flag")
	for n, text := range p.scripts {
		proof.planned[n] = text
	}
	return proof.kept(ruleFlagFile, spec, p.volume)
}

// freedVolumes proposes to remove the volumes that accepted proposals released, with their
// mounts; one whose removal would change or remove a YAML anchor that an alias uses stays,
// with a finding that says so.
func freedVolumes(m *migration, p *pod) []Proposal {
	var out []Proposal
	for _, a := range p.accepted {
		for _, v := range a.Releases.Volumes {
			edits := volumeEdits(p.t.spec, v)
			var rs []resolved
			for _, e := range edits {
				if r, err := resolve(p.t, e.Path); err == nil {
					r.edit = e
					rs = append(rs, r)
				}
			}
			if err := m.anchorsUntouched(p.t, rs); err != nil {
				at := p.t.spec
				for _, vol := range seqItems(lookup(p.t.spec, "volumes")) {
					if scalar(vol, "name") == v {
						at = vol
					}
				}
				m.report(a.Rule, Info, p.t, at, "", "the volume %s stays, with every mount of it: removing %v", v, err)
				continue
			}
			out = append(out, Proposal{Rule: a.Rule, Edits: edits})
		}
	}
	return out
}
