package bytesearch

// rank orders bytes by how often they occur in CloudTrail JSON: 0 for
// bytes never seen there, 255 for the commonest ('"'). It was computed
// once from the real public CloudTrail logs under ../shared/data/cloudtrail
// (4.4 MB of S3 log files and detonation logs). The exact values matter
// little; what matters is that upper-case letters, backslashes and rare
// punctuation rank far below quotes, lower-case letters and digits, so a
// literal is searched by a pair of bytes that seldom occurs by chance.
var rank = [256]uint8{
	0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 108, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	238, 15, 255, 12, 6, 29, 3, 17, 60, 63, 20, 51, 218, 226, 195, 161,
	198, 212, 215, 201, 175, 153, 150, 192, 178, 170, 235, 43, 0, 26, 0, 9,
	23, 190, 65, 142, 136, 133, 99, 74, 116, 181, 57, 85, 68, 111, 122, 71,
	113, 102, 119, 159, 139, 88, 105, 46, 54, 40, 94, 34, 32, 37, 0, 48,
	0, 249, 156, 221, 209, 252, 164, 147, 130, 223, 77, 80, 187, 204, 232, 229,
	184, 91, 243, 240, 246, 207, 173, 167, 82, 144, 96, 128, 0, 125, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
}
