/*
 * weakpass.c: see weakpass.h.  The list holds passphrases of 12 or more
 * characters (shorter ones are refused by length anyway) that lead the
 * published leak statistics, including the pinyin and number phrases
 * common in China.  Kept sorted: it is searched with bsearch().
 */
#include <stdlib.h>
#include <string.h>

#include "weakpass.h"

static const char *const common[] = {
	"000000000000",
	"1111111111111",
	"111222333444",
	"112233445566",
	"123123123123",
	"123321123321",
	"1234567890-=",
	"123456789012",
	"1234567890123",
	"1234567890qwe",
	"1234567890qwerty",
	"123456789123",
	"123456789a123",
	"123456789abc",
	"123456abcdef",
	"123456qwerty",
	"123qweasdzxc",
	"147258369147",
	"1q2w3e4r5t6y",
	"1qaz2wsx3edc",
	"1qaz2wsx3edc4rfv",
	"520131452013",
	"5201314520131",
	"a123456789012",
	"aa123456789123",
	"abc123456789",
	"abcd12345678",
	"abcdefg12345",
	"admin1234567",
	"administrator",
	"changeme1234",
	"dossier12345",
	"iloveyou1234",
	"iloveyou12345",
	"letmein12345",
	"p@ssw0rd1234",
	"passw0rd1234",
	"password1234",
	"password12345",
	"password123456",
	"qazwsxedcrfv",
	"qq1234567890",
	"qwer1234qwer",
	"qwerty123456",
	"qwertyuiop12",
	"qwertyuiopas",
	"qwertyuiopasdf",
	"woaini131452",
	"woaini1314520",
	"woaini520520",
	"woainima1314",
	"woaiwojia1314",
	"wodemima1234",
	"zxcvbnm12345",
	"zxcvbnmasdfg",
};

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A pattern of up to 4 characters repeated to the end. */
static int
repeated(const unsigned char *p, size_t n)
{
	size_t period, i;

	for (period = 1; period <= 4 && period < n; period++) {
		for (i = period; i < n && p[i] == p[i - period]; i++)
			;
		if (i == n)
			return 1;
	}
	return 0;
}

/* Each character one more (or one less) than the one before. */
static int
sequence(const unsigned char *p, size_t n)
{
	size_t i, up = 1, down = 1;

	for (i = 1; i < n; i++) {
		/* "...890" continues "1234567": 0 follows 9. */
		up += p[i] == p[i - 1] + 1 || (p[i] == '0' && p[i - 1] == '9');
		down += p[i] + 1 == p[i - 1];
	}
	return up == n || down == n;
}

int
weakpass_check(const char *pass, size_t len, const char **why)
{
	char lower[64];
	const char *key = lower;
	size_t i;

	if (len < sizeof(lower)) {
		for (i = 0; i < len; i++)
			lower[i] = (char)(pass[i] >= 'A' && pass[i] <= 'Z' ?
			    pass[i] + 32 : pass[i]);
		lower[len] = '\0';
		if (bsearch(&key, common, sizeof(common) / sizeof(common[0]),
		    sizeof(common[0]), cmp) != NULL) {
			*why = "it is one of the most common passphrases";
			return 1;
		}
	}
	if (repeated((const unsigned char *)pass, len)) {
		*why = "it repeats a short pattern";
		return 1;
	}
	if (sequence((const unsigned char *)pass, len)) {
		*why = "it is a run of consecutive characters";
		return 1;
	}
	return 0;
}
