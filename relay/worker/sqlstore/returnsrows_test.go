package sqlstore

import "testing"

// TestReturnsRows: only a SELECT (after leading blanks) has rows a DB must
// collect; the js DB drops every other statement's result.
func TestReturnsRows(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT 1": true, "select seq FROM relay_rec": true, " \t\nSELECT x": true,
		"INSERT INTO relay_rec VALUES (1)": false, "": false, "   ": false, "SELEC": false,
		"UPDATE relay_queue SET acked = ?": false, "DELETE FROM relay_rec": false, "Select 1": false,
	} {
		if got := returnsRows(q); got != want {
			t.Errorf("returnsRows(%q) = %v, want %v", q, got, want)
		}
	}
}
