/*
 * The configure results in which Debian 12's frr build differs from the
 * prepared FRR tree (tools/prepare-frr-source.sh) and which change vtysh:
 * `strings /usr/bin/vtysh` shows Debian's configure line (--with-libpam
 * --enable-snmp --disable-pim6d --with-vtysh-pager=/usr/bin/pager,
 * prefix /usr).  Included after FRR's config.h by the generated
 * tools/vtysh/config.h; tests/pkg/test_package.py compares the resulting
 * command table with the stock vtysh's.
 */
#undef HAVE_PIM6D
#undef SNMP_AGENTX
#define SNMP_AGENTX 1
#undef USE_PAM
#define USE_PAM 1
#undef HAVE_PAM_MISC_H
#define HAVE_PAM_MISC_H 1
#undef PAM_CONV_FUNC
#define PAM_CONV_FUNC misc_conv
#undef VTYSH_PAGER
#define VTYSH_PAGER "/usr/bin/pager"
#undef VTYSH_BIN_PATH
#define VTYSH_BIN_PATH "/usr/bin/vtysh"
