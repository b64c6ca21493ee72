; fieldapp's Windows installer for one province. Built by packaging/build.py on Windows (the CI workflow
; .github/workflows/windows-installer.yml), which runs PyInstaller with packaging/fieldapp.spec and then:
;   makensis /INPUTCHARSET UTF8 /DVERSION=0.1.0 /DPROVINCE=33 /DPROVINCE_NAME="Hưng Yên" /DBUNDLE_DIR=...\fieldapp-33
;            /DOUTFILE=...\fieldapp-0.1.0-33-windows-x64-setup.exe /DICON=...\fieldapp.ico packaging\windows\fieldapp.nsi
; The !defines below are exactly build.py's NSIS_DEFINES (tests/packaging/test_windows.py checks it).
;
; - installs the one-folder bundle under Program Files\fieldapp-<province>, per machine;
; - Start-menu and desktop shortcuts to fieldapp-gui.exe (the same program without a console);
; - refuses to install over a NEWER installed version (read from the registry), never downgrades;
; - the uninstaller keeps every user's data folder (%LOCALAPPDATA%\fieldapp) unless "Xoá cả dữ liệu" is ticked.

Unicode true
ManifestDPIAware true
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "VERSION is not defined (packaging/build.py passes /DVERSION=...)"
!endif
!ifndef PROVINCE
  !error "PROVINCE is not defined"
!endif
!ifndef PROVINCE_NAME
  !error "PROVINCE_NAME is not defined"
!endif
!ifndef BUNDLE_DIR
  !error "BUNDLE_DIR is not defined (the PyInstaller one-folder bundle)"
!endif
!ifndef OUTFILE
  !error "OUTFILE is not defined"
!endif
!ifndef ICON
  !error "ICON is not defined"
!endif

!define APP "fieldapp-${PROVINCE}"
!define REGKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "nsDialogs.nsh"
!include "WordFunc.nsh"
!include "x64.nsh"

Name "fieldapp ${VERSION} — ${PROVINCE_NAME}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP}"
InstallDirRegKey HKLM "${REGKEY}" "InstallLocation"
BrandingText "fieldapp ${VERSION}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\fieldapp-gui.exe"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
UninstPage custom un.DataPage un.DataPageLeave
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Vietnamese"
!insertmacro MUI_LANGUAGE "English"

Var InstalledVersion
Var DeleteData
Var DeleteDataBox

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "fieldapp cần Windows 64-bit. / fieldapp needs 64-bit Windows."
    Abort
  ${EndIf}
  SetRegView 64
  ReadRegStr $InstalledVersion HKLM "${REGKEY}" "DisplayVersion"
  ${If} $InstalledVersion != ""
    ; 0 equal, 1 the installed one is older, 2 the installed one is NEWER
    ${VersionCompare} $InstalledVersion "${VERSION}" $0
    ${If} $0 == 1
      MessageBox MB_ICONSTOP "Máy này đã cài fieldapp $InstalledVersion, mới hơn bản ${VERSION} này. Không cài đè bản cũ hơn lên bản mới hơn; dữ liệu được giữ nguyên.$\r$\n$\r$\nfieldapp $InstalledVersion, newer than this ${VERSION}, is installed. An older version is never installed over a newer one; the data is left as it is."
      Abort
    ${EndIf}
  ${EndIf}
FunctionEnd

Section "fieldapp" SecMain
  SetRegView 64
  SetShellVarContext all
  ; an upgrade replaces the program files; the users' data folders are elsewhere and never touched
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${BUNDLE_DIR}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\fieldapp.lnk" "$INSTDIR\fieldapp-gui.exe" "gui" "$INSTDIR\fieldapp-gui.exe" 0
  CreateShortcut "$SMPROGRAMS\${APP}\Gỡ cài đặt fieldapp.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\fieldapp.lnk" "$INSTDIR\fieldapp-gui.exe" "gui" "$INSTDIR\fieldapp-gui.exe" 0

  WriteRegStr HKLM "${REGKEY}" "DisplayName" "fieldapp (${PROVINCE_NAME})"
  WriteRegStr HKLM "${REGKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${REGKEY}" "Publisher" "fieldapp"
  WriteRegStr HKLM "${REGKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${REGKEY}" "DisplayIcon" "$INSTDIR\fieldapp-gui.exe"
  WriteRegStr HKLM "${REGKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${REGKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${REGKEY}" "NoRepair" 1
SectionEnd

Function un.DataPage
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateLabel} 0 0 100% 36u "fieldapp sẽ được gỡ khỏi máy. Dữ liệu (người dân, biên lai, bản sao lưu) trong thư mục dữ liệu của mỗi người dùng được GIỮ LẠI, trừ khi đánh dấu ô dưới đây.$\r$\nThe program is removed; each user's data folder is KEPT unless the box below is ticked."
  Pop $0
  ${NSD_CreateCheckbox} 0 44u 100% 12u "Xoá cả dữ liệu"
  Pop $DeleteDataBox
  ${NSD_SetState} $DeleteDataBox ${BST_UNCHECKED}
  nsDialogs::Show
FunctionEnd

Function un.DataPageLeave
  ${NSD_GetState} $DeleteDataBox $DeleteData
  ${If} $DeleteData == ${BST_CHECKED}
    MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "Xoá vĩnh viễn dữ liệu fieldapp của người dùng này? Không thể khôi phục nếu không có bản sao lưu.$\r$\nDelete this user's fieldapp data for good?" IDYES +2
    StrCpy $DeleteData ${BST_UNCHECKED}
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetRegView 64
  SetShellVarContext all
  Delete "$SMPROGRAMS\${APP}\fieldapp.lnk"
  Delete "$SMPROGRAMS\${APP}\Gỡ cài đặt fieldapp.lnk"
  RMDir "$SMPROGRAMS\${APP}"
  Delete "$DESKTOP\fieldapp.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\fieldapp.exe"
  Delete "$INSTDIR\fieldapp-gui.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${REGKEY}"
  ${If} $DeleteData == ${BST_CHECKED}
    ; platformdirs' user_data_dir("fieldapp", appauthor=False) on Windows: %LOCALAPPDATA%\fieldapp
    SetShellVarContext current
    RMDir /r "$LOCALAPPDATA\fieldapp"
  ${EndIf}
SectionEnd
