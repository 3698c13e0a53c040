package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/client"
)

func conn(id, state string) client.Connection {
	return client.Connection{ID: client.FlexString(id), Name: "c" + id, State: state}
}

func TestClosedRightAfterAChangeIsOnTheWay(t *testing.T) {
	s := newSettling()
	c := conn("1", client.StateClosed)
	if !s.onTheWay(&c) {
		t.Fatal("a connection CLOSED at the start of the wait should count as not started yet")
	}
}

func TestClosedAfterOpeningIsAResult(t *testing.T) {
	s := newSettling()
	s.observe([]client.Connection{conn("1", client.StateOpening)})
	c := conn("1", client.StateClosed)
	if s.onTheWay(&c) {
		t.Fatal("OPENING then CLOSED is how an unreachable destination ends")
	}
	if got := s.report([]client.Connection{c}, time.Minute); got != `connection "c1" (id 1) is CLOSED; expected OPENED` {
		t.Fatalf("report %q", got)
	}
}

func TestClosedPastTheGraceIsAResult(t *testing.T) {
	s := &settling{started: time.Now().Add(-time.Second), grace: time.Millisecond, progress: map[client.FlexString]bool{}}
	c := conn("1", client.StateClosed)
	if s.onTheWay(&c) {
		t.Fatal("CLOSED for longer than the grace is not a step any more")
	}
}

func TestAStoppingConnectionIsOnTheWayUntilDeactivated(t *testing.T) {
	s := newSettling()
	off := false
	c := conn("1", client.StateOpened)
	c.Active = &off
	if !s.onTheWay(&c) {
		t.Fatal("an inactive connection may take a minute to stop")
	}
	if r := s.report([]client.Connection{c}, time.Second); !strings.Contains(r, "Not a failure yet") {
		t.Fatalf("report %q", r)
	}
}
