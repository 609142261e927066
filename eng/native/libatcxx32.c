/* Compat shim for hosts whose libstdc++ predates GLIBCXX_3.4.32 (GCC 13), e.g. Debian 12.
 *
 * TorchSharp's libLibTorchSharp.so is built with GCC 13 and asks libstdc++.so.6 for one GCC-13 symbol,
 * std::ios_base_library_init(). GCC 13 emits that call only to force iostream initialisation, which the
 * older libstdc++ does by itself, so an empty definition is correct. The patched copy of
 * libLibTorchSharp.so names this library where it named libstdc++.so.6; every version node it asks of
 * libstdc++ is declared here (see libatcxx32.map) and every real symbol still binds, by version name, to
 * the system libstdc++ that this library links against. */
void atcxx32_ios_base_library_init(void) {}
__asm__(".symver atcxx32_ios_base_library_init,_ZSt21ios_base_library_initv@@GLIBCXX_3.4.32");
