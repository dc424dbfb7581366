package synth

// The calibrated profile's leave odds per major group and pull into 11
// Management, fitted by TestCalibratedFit -fit.

const calibratedManagementPull = 1.299

var calibratedLeaveOdds = map[string]float64{
	"11": 0.8371,
	"13": 2.929,
	"15": 1.068,
	"17": 0.9924,
	"19": 2.524,
	"21": 2.957,
	"23": 0.2061,
	"25": 3.866,
	"27": 2.378,
	"29": 1.442,
	"31": 14.44,
	"33": 3.532,
	"35": 7.355,
	"37": 2.007,
	"39": 12.84,
	"41": 5.201,
	"43": 10.31,
	"45": 13.76,
	"47": 12.46,
	"49": 5.486,
	"51": 9.871,
	"53": 7.297,
}
